"""HTML routes (Jinja2 + htmx), one module per area."""

from fastapi import APIRouter

from csops.web.ui import admin, auth, inbox, live, portal, tickets

router = APIRouter(include_in_schema=False)
for module in (auth, inbox, tickets, admin, portal, live):
    router.include_router(module.router)
