"""API routes: tickets (being built)."""

from fastapi import APIRouter

router = APIRouter()
