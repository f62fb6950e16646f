"""UI routes: auth (being built)."""

from fastapi import APIRouter

router = APIRouter()
