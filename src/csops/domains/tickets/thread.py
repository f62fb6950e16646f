"""A ticket's thread: public replies and internal notes, with their effect on status."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.live import service as live
from csops.domains.tickets import hooks, lifecycle, search
from csops.domains.tickets.access import get_visible_ticket, message_filter, require_scope
from csops.domains.tickets.attachments import check_uploads, store_uploads
from csops.domains.tickets.models import Channel, Message, Status, Ticket
from csops.domains.tickets.sanitize import body_from
from csops.domains.tickets.schemas import MessageCreate, Upload
from csops.domains.tickets.service import actor_kind, record
from csops.errors import Conflict, Invalid

CUSTOMER_REOPENS = (Status.pending, Status.on_hold, Status.solved)


def _next_status(ticket: Ticket, data: MessageCreate, actor: Actor) -> Status | None:
    if actor.is_customer:
        return Status.open if ticket.status in CUSTOMER_REOPENS else None
    if data.status is not None:
        return data.status
    if data.public and ticket.status == Status.new:
        return Status.open
    return None


def add_message(
    session: Session,
    *,
    ticket_id: int,
    data: MessageCreate,
    actor: Actor,
    uploads: Sequence[Upload] = (),
    raw: str | None = None,
    channel: Channel | None = None,
) -> Message:
    """Adds a reply or note. A customer's reply reopens a pending or solved ticket."""
    require_scope(actor, "tickets:write")
    ticket = get_visible_ticket(session, ticket_id=ticket_id, actor=actor)
    if ticket.status == Status.closed:
        raise Conflict("this ticket is closed; open a new request to follow up")
    if data.is_empty() and not uploads:
        raise Invalid("a message needs a body or an attachment")
    check_uploads(uploads)
    is_public = True if actor.is_customer else data.public
    body_html, body_text = body_from(text=data.body, html_body=data.body_html)
    stamp = now()
    message = Message(
        ticket_id=ticket.id,
        author_kind=actor_kind(actor),
        author_user_id=actor.id if actor.kind == "user" else None,
        author_customer_id=actor.id if actor.is_customer else None,
        is_public=is_public,
        channel=channel or (Channel.portal if actor.is_customer else Channel.web),
        body_html=body_html,
        body_text=body_text,
        raw=raw,
        created_at=stamp,
    )
    session.add(message)
    session.flush()
    if uploads:
        store_uploads(session, ticket=ticket, message=message, uploads=uploads)
    if is_public and actor.kind == "user" and ticket.first_public_reply_at is None:
        ticket.first_public_reply_at = stamp
    new_status = _next_status(ticket, data, actor)
    old_status = ticket.status
    status_moved = new_status is not None and lifecycle.move(ticket, new_status)
    if status_moved:
        record(session, ticket, actor, "status", old_status, ticket.status)
    record(session, ticket, actor, "reply" if is_public else "note", None, str(message.id))
    ticket.updated_at = stamp
    session.flush()
    search.reindex(session, ticket.id)
    live.publish(
        session,
        topic="tickets",
        payload={
            "action": "message",
            "ticket_id": ticket.id,
            "message_id": message.id,
            "public": is_public,
        },
    )
    if status_moved:
        live.publish(
            session, topic="tickets", payload={"action": "updated", "ticket_id": ticket.id}
        )
    hooks.emit(
        session,
        hooks.TicketChange(
            kind="message",
            ticket_id=ticket.id,
            actor=actor,
            message_id=message.id,
            public=is_public,
            by_customer=actor.is_customer,
            changes={"status": (old_status, ticket.status)} if status_moved else {},
        ),
    )
    return message


def list_messages(
    session: Session, *, ticket_id: int, actor: Actor, after_id: int | None = None, limit: int = 500
) -> Sequence[Message]:
    require_scope(actor, "tickets:read")
    get_visible_ticket(session, ticket_id=ticket_id, actor=actor)
    query = select(Message).where(Message.ticket_id == ticket_id, message_filter(actor))
    if after_id is not None:
        query = query.where(Message.id > after_id)
    return session.scalars(query.order_by(Message.id).limit(limit)).all()
