"""An agent's public reply to a chat ticket stops its follow-up timer."""

from __future__ import annotations

from sqlalchemy.orm import Session

from csops.domains.chat import service
from csops.domains.tickets import hooks


@hooks.subscribe("message", order=hooks.ORDER_RULES + 5)
def agent_replied(session: Session, change: hooks.TicketChange) -> None:
    if change.public and not change.by_customer and change.actor.kind == "user":
        service.agent_answered(session, ticket_id=change.ticket_id)
