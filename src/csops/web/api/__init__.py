"""The JSON API under /api/v1, one router per domain."""

from fastapi import APIRouter

from csops.web.api import (
    accounts,
    attachments,
    chat,
    custom_fields,
    feedback,
    incidents,
    intake,
    journeys,
    macros,
    mail,
    maturity,
    notifications,
    oncall,
    reports,
    rules,
    signals,
    sla,
    statuspage,
    tickets,
    views,
)

router = APIRouter(prefix="/api/v1")
for module in (
    tickets,
    attachments,
    accounts,
    macros,
    views,
    custom_fields,
    mail,
    notifications,
    chat,
    intake,
    rules,
    incidents,
    statuspage,
    oncall,
    signals,
    sla,
    feedback,
    journeys,
    reports,
    maturity,
):
    router.include_router(module.router)
