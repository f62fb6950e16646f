"""API routes: attachments (being built)."""

from fastapi import APIRouter

router = APIRouter()
