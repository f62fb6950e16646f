"""HTML pages of the notifications area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
