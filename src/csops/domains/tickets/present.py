"""Turning ticket rows into their public JSON shapes."""

from __future__ import annotations

from csops.domains.tickets.models import AuthorKind, Message, Ticket
from csops.domains.tickets.schemas import AttachmentOut, MessageOut, PersonOut, TicketOut


def ticket_out(ticket: Ticket) -> TicketOut:
    return TicketOut(
        id=ticket.id,
        subject=ticket.subject,
        status=ticket.status,
        priority=ticket.priority,
        type=ticket.type,
        channel=ticket.channel,
        requester=PersonOut(
            kind="customer",
            id=ticket.requester.id,
            name=ticket.requester.name,
            email=ticket.requester.email,
        ),
        organization_id=ticket.organization_id,
        assignee_id=ticket.assignee_id,
        team_id=ticket.team_id,
        service=ticket.service.slug if ticket.service else None,
        tags=list(ticket.tags),
        custom_fields=dict(ticket.custom_fields),
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        first_public_reply_at=ticket.first_public_reply_at,
        solved_at=ticket.solved_at,
        closed_at=ticket.closed_at,
        reopen_count=ticket.reopen_count,
        merged_into_id=ticket.merged_into_id,
        version=ticket.version,
    )


def message_out(
    message: Message, *, attachment_url: str = "/api/v1/attachments/{id}"
) -> MessageOut:
    if message.author_kind == AuthorKind.user:
        author_id = message.author_user_id
    elif message.author_kind == AuthorKind.customer:
        author_id = message.author_customer_id
    else:
        author_id = None
    return MessageOut(
        id=message.id,
        ticket_id=message.ticket_id,
        author=PersonOut(kind=message.author_kind.value, id=author_id, name=message.author_name),
        public=message.is_public,
        channel=message.channel,
        body_html=message.body_html,
        body_text=message.body_text,
        created_at=message.created_at,
        attachments=[
            AttachmentOut(
                id=a.id,
                filename=a.filename,
                content_type=a.content_type,
                size=a.size,
                url=attachment_url.format(id=a.id),
            )
            for a in message.attachments
        ],
    )
