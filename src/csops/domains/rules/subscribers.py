"""Routing rules react to tickets created and updated, before every other subscriber."""

from __future__ import annotations

from sqlalchemy.orm import Session

from csops.domains.rules import service
from csops.domains.tickets import hooks


@hooks.subscribe("created", "updated", order=hooks.ORDER_RULES)
def route(session: Session, change: hooks.TicketChange) -> None:
    service.run_rules(session, change)
