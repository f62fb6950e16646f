"""HTML pages of the feedback area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
