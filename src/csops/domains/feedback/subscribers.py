"""Ticket hooks: a ticket moving to solved gets its CSAT survey (after SLA and rules)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from csops.domains.feedback import surveys
from csops.domains.tickets import hooks
from csops.domains.tickets.hooks import TicketChange
from csops.domains.tickets.models import Status, Ticket


@hooks.subscribe("updated", "message", order=hooks.ORDER_SIGNALS + 5)
def survey_on_solve(session: Session, change: TicketChange) -> None:
    status = change.changes.get("status")
    if status is None or Status(status[1]) != Status.solved:
        return
    ticket = session.get(Ticket, change.ticket_id)
    if ticket is not None and ticket.merged_into_id is None:
        surveys.send_survey(session, ticket)
