"""HTML pages of the maturity area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
