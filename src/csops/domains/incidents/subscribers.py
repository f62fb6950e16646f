"""New tickets about a service with an active incident are linked and acknowledged."""

from __future__ import annotations

from sqlalchemy.orm import Session

from csops.domains.incidents import loop
from csops.domains.tickets import hooks


@hooks.subscribe("created", order=hooks.ORDER_INCIDENTS)
def link_new_ticket(session: Session, change: hooks.TicketChange) -> None:
    loop.autolink(session, ticket_id=change.ticket_id)
