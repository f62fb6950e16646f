"""HTML pages of the mail area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
