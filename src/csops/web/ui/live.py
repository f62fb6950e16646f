"""UI routes: live (being built)."""

from fastapi import APIRouter

router = APIRouter()
