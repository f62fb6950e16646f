"""JSON API of the journeys area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
