"""JSON API of the statuspage area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
