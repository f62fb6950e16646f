"""API routes: accounts (being built)."""

from fastapi import APIRouter

router = APIRouter()
