"""Merging duplicates: the source's thread moves to the target; the source closes with a pointer."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.live import service as live
from csops.domains.tickets import lifecycle, search
from csops.domains.tickets.access import get_visible_ticket, require_scope
from csops.domains.tickets.models import Attachment, AuthorKind, Message, Status, Ticket
from csops.domains.tickets.service import record, set_tags
from csops.errors import Invalid, PermissionDenied


def merge_tickets(session: Session, *, source_id: int, target_id: int, actor: Actor) -> Ticket:
    require_scope(actor, "tickets:write")
    if not actor.is_staff:
        raise PermissionDenied("only agents may merge tickets")
    if source_id == target_id:
        raise Invalid("a ticket cannot be merged into itself")
    source = get_visible_ticket(session, ticket_id=source_id, actor=actor)
    target = get_visible_ticket(session, ticket_id=target_id, actor=actor)
    if source.status == Status.closed or target.status == Status.closed:
        raise Invalid("closed tickets cannot be merged")
    session.execute(
        update(Message).where(Message.ticket_id == source.id).values(ticket_id=target.id)
    )
    session.execute(
        update(Attachment).where(Attachment.ticket_id == source.id).values(ticket_id=target.id)
    )
    stamp = now()
    session.add_all(
        [
            Message(
                ticket_id=source.id,
                author_kind=AuthorKind.system,
                is_public=True,
                body_html=f"<p>Merged into request #{target.id}.</p>",
                body_text=f"Merged into request #{target.id}.",
                created_at=stamp,
            ),
            Message(
                ticket_id=target.id,
                author_kind=AuthorKind.system,
                is_public=False,
                body_html=f"<p>Request #{source.id} ({source.subject}) was merged into this one.</p>",
                body_text=f"Request #{source.id} ({source.subject}) was merged into this one.",
                created_at=stamp,
            ),
        ]
    )
    merged_tags = list(dict.fromkeys([*target.tags, *source.tags]))
    if merged_tags != target.tags:
        set_tags(session, target, merged_tags)
    old_status = source.status
    lifecycle.force_close(source)
    source.merged_into_id = target.id
    source.updated_at = target.updated_at = stamp
    record(session, source, actor, "status", old_status, source.status)
    record(session, source, actor, "merged_into", None, target.id)
    record(session, target, actor, "merged_from", None, source.id)
    session.flush()
    session.expire_all()
    search.reindex(session, source.id)
    search.reindex(session, target.id)
    for ticket_id in (source.id, target.id):
        live.publish(
            session, topic="tickets", payload={"action": "updated", "ticket_id": ticket_id}
        )
    return target
