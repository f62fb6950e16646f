"""UI routes: portal (being built)."""

from fastapi import APIRouter

router = APIRouter()
