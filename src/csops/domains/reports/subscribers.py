"""Ticket hooks that keep the KPI facts current, in the same transaction as the change."""

from __future__ import annotations

from sqlalchemy.orm import Session

from csops.domains.reports import facts
from csops.domains.tickets import hooks

ORDER_REPORTS = hooks.ORDER_NOTIFY + 10


@hooks.subscribe("created", order=ORDER_REPORTS)
def on_created(session: Session, change: hooks.TicketChange) -> None:
    facts.record_created(session, change.ticket_id)


@hooks.subscribe("message", "updated", order=ORDER_REPORTS)
def on_change(session: Session, change: hooks.TicketChange) -> None:
    if change.kind == "message" and change.public and change.actor.kind == "user":
        facts.record_agent_reply(session, change.ticket_id)
    if change.changes:
        facts.record_changes(session, change.ticket_id, change.changes)
