"""Each new ticket gets a clustering job (kept out of the ticket's own transaction time)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from csops.domains.tickets import hooks
from csops.jobs.queue import enqueue


@hooks.subscribe("created", order=hooks.ORDER_SIGNALS)
def cluster_new_ticket(session: Session, change: hooks.TicketChange) -> None:
    enqueue(
        session,
        kind="signals.process_ticket",
        payload={"ticket_id": change.ticket_id},
        unique_key=f"signals:{change.ticket_id}",
    )
