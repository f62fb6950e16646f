"""Ticket factories go through the service, so tickets get messages, events and search docs."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.tickets import service
from csops.domains.tickets.models import Ticket
from csops.domains.tickets.schemas import TicketCreate

_counter = {"n": 0}


def make_ticket(session: Session, *, actor: Actor | None = None, **overrides: Any) -> Ticket:
    _counter["n"] += 1
    n = _counter["n"]
    data: dict[str, Any] = {
        "subject": f"Card payment declined #{n}",
        "description": "My card was declined at checkout although the balance is fine.",
        "requester": {"email": f"req{n}@mail.example", "name": f"Requester {n}"},
    }
    data.update(overrides)
    return service.create_ticket(
        session, data=TicketCreate.model_validate(data), actor=actor or Actor.system()
    )
