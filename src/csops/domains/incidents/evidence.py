"""Linked tickets as evidence for engineers: masked by default, revealed with a logged reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.incidents import pii
from csops.domains.incidents.models import IncidentTicket, LinkSource, PiiReveal
from csops.domains.incidents.service import get_incident, require
from csops.domains.tickets.models import AuthorKind, Message, Ticket
from csops.errors import NotFound

EXCERPT = 2000


@dataclass(frozen=True)
class Evidence:
    ticket_id: int
    subject: str
    status: str
    requester: str
    source: LinkSource
    linked_at: datetime
    excerpt: str
    revealed: bool


def _first_customer_text(session: Session, ticket_id: int) -> str:
    text = session.scalar(
        select(Message.body_text)
        .where(Message.ticket_id == ticket_id, Message.author_kind == AuthorKind.customer)
        .order_by(Message.id)
        .limit(1)
    )
    return (text or "")[:EXCERPT]


def _item(session: Session, link: IncidentTicket, ticket: Ticket, revealed: bool) -> Evidence:
    names = [ticket.requester.name, ticket.requester.email.split("@")[0]]
    text = _first_customer_text(session, ticket.id)
    subject = ticket.subject
    requester = ticket.requester.name
    if not revealed:
        text = pii.mask(text, names=names)
        subject = pii.mask(subject, names=names)
        requester = "[name]"
    return Evidence(
        ticket_id=ticket.id,
        subject=subject,
        status=ticket.status.value,
        requester=requester,
        source=link.source,
        linked_at=link.created_at,
        excerpt=text,
        revealed=revealed,
    )


def evidence(
    session: Session, *, incident_id: int, actor: Actor, limit: int = 200
) -> list[Evidence]:
    incident = get_incident(session, incident_id=incident_id, actor=actor)
    rows = session.execute(
        select(IncidentTicket, Ticket)
        .join(Ticket, Ticket.id == IncidentTicket.ticket_id)
        .where(IncidentTicket.incident_id == incident.id, IncidentTicket.unlinked_at.is_(None))
        .order_by(IncidentTicket.id)
        .limit(limit)
    ).all()
    return [_item(session, link, ticket, revealed=False) for link, ticket in rows]


def reveal(
    session: Session, *, incident_id: int, ticket_id: int, reason: str, actor: Actor
) -> Evidence:
    """The unmasked evidence of one ticket; the reason is written to the audit table."""
    incident = get_incident(session, incident_id=incident_id, actor=actor)
    require(actor, "incidents:write")
    row = session.execute(
        select(IncidentTicket, Ticket)
        .join(Ticket, Ticket.id == IncidentTicket.ticket_id)
        .where(
            IncidentTicket.incident_id == incident.id,
            IncidentTicket.ticket_id == ticket_id,
            IncidentTicket.unlinked_at.is_(None),
        )
    ).first()
    if row is None:
        raise NotFound(f"ticket {ticket_id} is not linked to incident {incident_id}")
    session.add(
        PiiReveal(
            incident_id=incident.id,
            ticket_id=ticket_id,
            user_id=actor.id if actor.kind == "user" else None,
            reason=reason.strip(),
        )
    )
    session.flush()
    link, ticket = row
    return _item(session, link, ticket, revealed=True)


def reveals(session: Session, *, incident_id: int) -> list[PiiReveal]:
    return list(
        session.scalars(
            select(PiiReveal).where(PiiReveal.incident_id == incident_id).order_by(PiiReveal.id)
        )
    )
