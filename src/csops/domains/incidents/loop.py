"""The two-way loop: incident updates out to every affected customer, new tickets in.

A public update becomes, for each linked ticket, one public message in the ticket (written
by a system actor named INCIDENT_ACTOR_NAME, so the ordinary agent-reply notification does
not fire for it: that one is for people) and one outbox notification in the customer's
channel and language. The pair (update, ticket) is recorded in incident_deliveries, so a
retried job never sends twice; the outbox dedupes on the same event key as a second guard.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.incidents import notices
from csops.domains.incidents.models import (
    Incident,
    IncidentDelivery,
    IncidentStatus,
    IncidentTicket,
    IncidentUpdate,
    LinkSource,
    ResolutionPolicy,
)
from csops.domains.incidents.service import (
    active_incidents,
    latest_public_update,
    record_timeline,
    touch,
)
from csops.domains.notifications.service import notify
from csops.domains.notifications.templates import normalize_locale
from csops.domains.tickets import hooks, thread
from csops.domains.tickets.models import Channel, Message, Status, Ticket
from csops.domains.tickets.schemas import MessageCreate

INCIDENT_ACTOR_NAME = "Incident updates"
INCIDENT_ACTOR = Actor(kind="system", name=INCIDENT_ACTOR_NAME)

DONE = (Status.solved, Status.closed)


def is_incident_message(actor: Actor) -> bool:
    """True for messages written by this loop (other domains may skip their own notices)."""
    return actor.kind == "system" and actor.name == INCIDENT_ACTOR_NAME


def _notify_channel(ticket: Ticket) -> str | None:
    return "email" if ticket.channel == Channel.email else None


def _context(incident: Incident, ticket: Ticket, body: str, status: str) -> dict[str, Any]:
    return {
        "incident_id": incident.id,
        "incident_title": incident.title,
        "body": body,
        "status": status,
        "ticket_id": ticket.id,
        "ticket_subject": ticket.subject,
        "customer_name": ticket.requester.name,
        "status_url": f"{get_settings().base_url.rstrip('/')}/status",
    }


def deliver_update(session: Session, *, update_id: int) -> int:
    """Deliver one update to every linked ticket not yet told; returns how many were told."""
    update = session.get(IncidentUpdate, update_id)
    if update is None:
        return 0
    incident = session.get(Incident, update.incident_id)
    if incident is None or incident.is_drill:  # a drill never writes to customers
        return 0
    done = set(
        session.scalars(
            select(IncidentDelivery.ticket_id).where(IncidentDelivery.update_id == update.id)
        )
    )
    # Tickets linked after the update was posted learnt of it in their acknowledgment.
    links = session.scalars(
        select(IncidentTicket).where(
            IncidentTicket.incident_id == incident.id,
            IncidentTicket.unlinked_at.is_(None),
            IncidentTicket.created_at <= update.created_at,
        )
    ).all()
    told = 0
    for link in links:
        if link.ticket_id in done:
            continue
        ticket = session.get(Ticket, link.ticket_id)
        if ticket is None or ticket.merged_into_id is not None:
            continue
        _deliver_one(session, incident, update, ticket)
        told += 1
    return told


def _deliver_one(
    session: Session, incident: Incident, update: IncidentUpdate, ticket: Ticket
) -> None:
    resolved = update.status == IncidentStatus.resolved
    locale = normalize_locale(ticket.requester.locale)
    body = update.body if update.is_public else notices.resolved_text(locale)
    text = notices.ticket_message(locale, incident.title, body, resolved=resolved)
    solve = resolved and incident.resolution_policy == ResolutionPolicy.solve
    if ticket.status != Status.closed:
        thread.add_message(
            session,
            ticket_id=ticket.id,
            data=MessageCreate(
                body=text,
                public=True,
                status=Status.solved if solve and ticket.status not in DONE else None,
            ),
            actor=INCIDENT_ACTOR,
            channel=Channel.web,
        )
    status = update.status.value if update.status else incident.status.value
    items = notify(
        session,
        event_key=f"incident-update:{update.id}:ticket:{ticket.id}",
        kind="incident_update",
        template="incident_resolved" if resolved else "incident_update",
        context=_context(incident, ticket, body, status),
        customer_id=ticket.requester_id,
        channel=_notify_channel(ticket),
        ticket_id=ticket.id,
    )
    session.add(
        IncidentDelivery(
            incident_id=incident.id,
            update_id=update.id,
            ticket_id=ticket.id,
            outbox_ids=[item.id for item in items],
        )
    )
    session.flush()


def _ticket_text(session: Session, ticket: Ticket) -> str:
    first = session.scalar(
        select(Message.body_text)
        .where(Message.ticket_id == ticket.id)
        .order_by(Message.id)
        .limit(1)
    )
    return f"{ticket.subject}\n{first or ''}".lower()


def matching_incident(session: Session, ticket: Ticket) -> Incident | None:
    """The active, real incident a new ticket is about: same service first, then keywords."""
    candidates = [i for i in active_incidents(session) if not i.is_drill]
    if not candidates:
        return None
    if ticket.service_id is not None:
        for incident in candidates:
            if ticket.service_id in incident.service_ids:
                return incident
    text = _ticket_text(session, ticket)
    for incident in candidates:
        if any(word and word in text for word in incident.keywords):
            return incident
    return None


def autolink(session: Session, *, ticket_id: int) -> Incident | None:
    """Link a new customer ticket to the matching incident and acknowledge it at once."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        return None
    incident = matching_incident(session, ticket)
    if incident is None:
        return None
    exists = session.scalar(
        select(IncidentTicket.id).where(
            IncidentTicket.incident_id == incident.id, IncidentTicket.ticket_id == ticket.id
        )
    )
    if exists is not None:
        return None
    session.add(
        IncidentTicket(incident_id=incident.id, ticket_id=ticket.id, source=LinkSource.auto)
    )
    session.flush()
    record_timeline(
        session,
        incident,
        f"Ticket #{ticket.id} linked automatically.",
        actor=INCIDENT_ACTOR,
        source="system",
    )
    touch(session, incident)
    latest = latest_public_update(session, incident_id=incident.id)
    locale = normalize_locale(ticket.requester.locale)
    latest_body = latest.body if latest else ""
    thread.add_message(
        session,
        ticket_id=ticket.id,
        data=MessageCreate(body=notices.ack_message(locale, incident.title, latest_body)),
        actor=INCIDENT_ACTOR,
        channel=Channel.web,
    )
    context = _context(incident, ticket, latest_body, incident.status.value)
    notify(
        session,
        event_key=f"incident-ack:{incident.id}:ticket:{ticket.id}",
        kind="incident_ack",
        template="incident_ack",
        context=context,
        customer_id=ticket.requester_id,
        channel=_notify_channel(ticket),
        ticket_id=ticket.id,
    )
    hooks.mark_acknowledged(session, ticket.id)
    return incident
