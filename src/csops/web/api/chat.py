"""JSON API of the chat area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
