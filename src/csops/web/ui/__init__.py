"""HTML routes (Jinja2 + htmx), one module per area."""

from fastapi import APIRouter, Depends

from csops.web.ui import admin, auth, inbox, live, portal, tickets
from csops.web.ui.common import refuse_nul

router = APIRouter(include_in_schema=False, dependencies=[Depends(refuse_nul)])
for module in (auth, inbox, tickets, admin, portal, live):
    router.include_router(module.router)
