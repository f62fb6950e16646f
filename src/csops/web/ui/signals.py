"""HTML pages of the signals area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
