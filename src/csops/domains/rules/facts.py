"""What a rule can see of a ticket: plain values read from the database."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.tickets.models import Message, Ticket


def first_message_text(session: Session, ticket_id: int) -> str:
    text = session.scalar(
        select(Message.body_text)
        .where(Message.ticket_id == ticket_id)
        .order_by(Message.id)
        .limit(1)
    )
    return text or ""


def current_values(ticket: Ticket) -> dict[str, Any]:
    """The fields actions may change, as plain values."""
    return {
        "priority": ticket.priority.value,
        "type": ticket.type.value,
        "status": ticket.status.value,
        "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id,
        "tags": list(ticket.tags),
        "service": ticket.service.slug if ticket.service is not None else None,
    }


def facts_for(
    session: Session, ticket: Ticket, changes: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    description = first_message_text(session, ticket.id)
    org = ticket.organization
    stamp = now()
    return {
        **current_values(ticket),
        "subject": ticket.subject,
        "description": description,
        "text": f"{ticket.subject}\n{description}",
        "channel": ticket.channel.value,
        "organization": org.name if org is not None else None,
        "tier": org.tier.value if org is not None else None,
        "requester_email": ticket.requester.email,
        "hour": stamp.hour,
        "weekday": stamp.weekday(),
        "changed": sorted(changes or ()),
    }
