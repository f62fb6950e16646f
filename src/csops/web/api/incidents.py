"""JSON API of the incidents area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
