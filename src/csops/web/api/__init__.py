"""The JSON API under /api/v1, one router per domain."""

from fastapi import APIRouter

from csops.web.api import accounts, attachments, custom_fields, macros, tickets, views

router = APIRouter(prefix="/api/v1")
for module in (tickets, attachments, accounts, macros, views, custom_fields):
    router.include_router(module.router)
