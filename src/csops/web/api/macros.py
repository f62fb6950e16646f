"""API routes: macros (being built)."""

from fastapi import APIRouter

router = APIRouter()
