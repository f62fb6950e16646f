"""HTML pages of the rules area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
