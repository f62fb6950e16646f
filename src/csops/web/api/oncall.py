"""JSON API of the oncall area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
