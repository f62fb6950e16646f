from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.tickets import service as tickets
from csops.domains.tickets.models import Channel, Ticket
from csops.domains.tickets.schemas import TicketCreate


def portal_ticket(
    db: Session, factories: SimpleNamespace, *, channel: Channel = Channel.portal, **kw: object
) -> Ticket:
    customer = kw.pop("customer", None) or factories.customer(name="Ann")
    return tickets.create_ticket(
        db,
        data=TicketCreate(subject="Printer on fire", description="Help {{ 7*7 }}", channel=channel),
        actor=Actor.for_customer(customer),  # type: ignore[arg-type]
    )
