"""Ticket notifications, written to the outbox in the ticket's own transaction.

- created by a customer (email, web, portal, chat; not by an agent, not an auto-reply or
  bounce) -> "ticket_ack" to the requester;
- public agent reply -> "agent_reply": a threaded email for email tickets, else the
  requester's preferred contact point;
- status -> solved -> "status_changed" (non-essential: opt-out honoured, List-Unsubscribe).
Every change is also offered to outgoing webhook subscriptions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.domains.notifications import webhooks
from csops.domains.notifications.service import notify
from csops.domains.tickets import hooks
from csops.domains.tickets.models import Channel, Message, Status, Ticket

# A live chat is answered in the chat itself; its visitor may have no real address.
ACK_CHANNELS = {Channel.email, Channel.web, Channel.portal}
NO_ANSWER_TAGS = {"auto-reply", "autoreply", "bounce", "auto", "no-ack"}


def _context(ticket: Ticket) -> dict[str, Any]:
    return {
        "subject": ticket.subject,
        "customer_name": ticket.requester.name,
        "ticket_id": ticket.id,
    }


def _webhook_payload(ticket: Ticket) -> dict[str, Any]:
    return {
        "ticket_id": ticket.id,
        "subject": ticket.subject,
        "status": str(ticket.status.value),
        "priority": str(ticket.priority.value),
        "channel": str(ticket.channel.value),
        "requester_id": ticket.requester_id,
    }


@hooks.subscribe("created", order=hooks.ORDER_NOTIFY)
def on_created(session: Session, change: hooks.TicketChange) -> None:
    ticket = session.get(Ticket, change.ticket_id)
    if ticket is None:
        return
    webhooks.emit(
        session,
        event_type="ticket.created",
        event_key=f"ticket:{ticket.id}:created",
        payload=_webhook_payload(ticket),
    )
    if change.actor.kind == "user" or ticket.channel not in ACK_CHANNELS:
        return
    if NO_ANSWER_TAGS & {t.lower() for t in ticket.tags}:
        return
    if hooks.is_acknowledged(session, ticket.id):
        return  # another area already answered (e.g. the known-incident acknowledgment)
    notify(
        session,
        event_key=f"ticket:{ticket.id}:ack",
        kind="ticket",
        template="ticket_ack",
        context=_context(ticket),
        customer_id=ticket.requester_id,
        channel="email" if ticket.channel is Channel.email else None,
        ticket_id=ticket.id,
    )


@hooks.subscribe("message", order=hooks.ORDER_NOTIFY)
def on_message(session: Session, change: hooks.TicketChange) -> None:
    ticket = session.get(Ticket, change.ticket_id)
    message = session.get(Message, change.message_id) if change.message_id else None
    if ticket is None or message is None:
        return
    if change.public:
        webhooks.emit(
            session,
            event_type="ticket.message",
            event_key=f"ticket:{ticket.id}:message:{message.id}",
            payload={**_webhook_payload(ticket), "message_id": message.id},
        )
    if not change.public or change.by_customer or change.actor.kind != "user":
        return
    notify(
        session,
        event_key=f"ticket:{ticket.id}:message:{message.id}",
        kind="ticket",
        template="agent_reply",
        context={
            **_context(ticket),
            "body": message.body_text,
            "agent_name": change.actor.name,
        },
        customer_id=ticket.requester_id,
        channel="email" if ticket.channel is Channel.email else None,
        ticket_id=ticket.id,
    )


@hooks.subscribe("updated", order=hooks.ORDER_NOTIFY)
def on_updated(session: Session, change: hooks.TicketChange) -> None:
    ticket = session.get(Ticket, change.ticket_id)
    if ticket is None:
        return
    stamp = ticket.updated_at.isoformat()
    webhooks.emit(
        session,
        event_type="ticket.updated",
        event_key=f"ticket:{ticket.id}:updated:{ticket.version}:{stamp}",
        payload={**_webhook_payload(ticket), "changed": sorted(change.changes)},
    )
    status = change.changes.get("status")
    if status is None or str(status[1]) != Status.solved.value:
        return
    solved_key = f"ticket:{ticket.id}:solved:{(ticket.solved_at or ticket.updated_at).isoformat()}"
    webhooks.emit(
        session, event_type="ticket.solved", event_key=solved_key, payload=_webhook_payload(ticket)
    )
    notify(
        session,
        event_key=solved_key,
        kind="ticket",
        template="status_changed",
        context=_context(ticket),
        customer_id=ticket.requester_id,
        channel="email" if ticket.channel is Channel.email else None,
        ticket_id=ticket.id,
        essential=False,
    )
