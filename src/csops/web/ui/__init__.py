"""HTML routes (Jinja2 + htmx), one module per area."""

from fastapi import APIRouter, Depends

from csops.web.ui import (
    admin,
    auth,
    chat,
    feedback,
    inbox,
    incidents,
    intake,
    journeys,
    live,
    mail,
    maturity,
    notifications,
    oncall,
    portal,
    reports,
    rules,
    signals,
    sla,
    statuspage,
    tickets,
)
from csops.web.ui.common import refuse_nul

router = APIRouter(include_in_schema=False, dependencies=[Depends(refuse_nul)])
# The public status page is mounted by the app ahead of every other router (it must stay
# fast under load, and Starlette tries routes in order).
status_router = APIRouter(include_in_schema=False, dependencies=[Depends(refuse_nul)])
status_router.include_router(statuspage.router)
for module in (
    auth,
    inbox,
    tickets,
    admin,
    portal,
    live,
    mail,
    notifications,
    chat,
    intake,
    rules,
    incidents,
    oncall,
    signals,
    sla,
    feedback,
    journeys,
    reports,
    maturity,
):
    router.include_router(module.router)
