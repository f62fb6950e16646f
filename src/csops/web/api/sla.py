"""JSON API of the sla area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
