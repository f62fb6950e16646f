"""Ticket use cases: create, read, update (with enforced transitions), history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select
from sqlalchemy.orm import Session, lazyload, make_transient_to_detached

from csops.clock import now
from csops.domains.accounts import service as accounts
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Customer, Service, Team, User
from csops.domains.live import service as live
from csops.domains.tickets import hooks, lifecycle, search
from csops.domains.tickets.access import get_visible_ticket, require_scope
from csops.domains.tickets.attachments import store_uploads
from csops.domains.tickets.custom_fields import validate_custom_fields
from csops.domains.tickets.models import (
    AuthorKind,
    Channel,
    Message,
    Status,
    Ticket,
    TicketEvent,
    TicketTag,
)
from csops.domains.tickets.sanitize import body_from
from csops.domains.tickets.schemas import TicketCreate, TicketUpdate, Upload
from csops.errors import Invalid, NotFound, PermissionDenied, PreconditionFailed

# Plain INSERTs of a new ticket's rows, built once (values come as parameters).
_INSERT_TICKET = insert(cast(Table, Ticket.__table__))
_INSERT_TAG = insert(cast(Table, TicketTag.__table__))
_INSERT_MESSAGE = insert(cast(Table, Message.__table__))
_INSERT_EVENT = insert(cast(Table, TicketEvent.__table__))
# The lookups of every new ticket, built once; relationships a ticket does not present
# are not loaded with them.
_SERVICE_BY_SLUG = (
    select(Service).options(lazyload(Service.owning_team)).where(Service.slug == bindparam("slug"))
)
_CUSTOMER_BY_EMAIL = (
    select(Customer)
    .options(lazyload(Customer.organization))
    .where(Customer.email == bindparam("email"))
)
TRACKED = ("subject", "status", "priority", "type", "assignee_id", "team_id", "service_id")


def actor_kind(actor: Actor) -> AuthorKind:
    return {"user": AuthorKind.user, "customer": AuthorKind.customer}.get(
        actor.kind, AuthorKind.system
    )


def record(session: Session, ticket: Ticket, actor: Actor, field: str, old: Any, new: Any) -> None:
    session.add(
        TicketEvent(
            ticket_id=ticket.id,
            actor_kind=actor_kind(actor),
            actor_id=actor.id,
            field=field,
            old_value=None if old is None else str(getattr(old, "value", old)),
            new_value=None if new is None else str(getattr(new, "value", new)),
        )
    )


def set_tags(session: Session, ticket: Ticket, tags: Sequence[str]) -> None:
    ticket.tags = list(tags)
    session.execute(delete(TicketTag).where(TicketTag.ticket_id == ticket.id))
    session.add_all(TicketTag(ticket_id=ticket.id, tag=tag) for tag in tags)


def _lookup_service(session: Session, ref: str | int | None) -> Service | None:
    if ref is None or ref == "":
        return None
    if isinstance(ref, str) and not ref.isdigit():
        # The common case (a slug), with a statement built once; else find_service.
        service = session.scalars(_SERVICE_BY_SLUG, {"slug": ref}).first()
        if service is not None:
            return service
    service = accounts.find_service(session, ref)
    if service is None:
        raise Invalid(f"unknown service {ref!r}")
    return service


def _resolve_service(session: Session, ref: str | int | None) -> int | None:
    service = _lookup_service(session, ref)
    return None if service is None else service.id


def _check_assignment(session: Session, assignee_id: int | None, team_id: int | None) -> None:
    if assignee_id is not None:
        user = session.get(User, assignee_id)
        if user is None or not user.is_active:
            raise Invalid(f"unknown or inactive assignee {assignee_id}")
    if team_id is not None and session.get(Team, team_id) is None:
        raise Invalid(f"unknown team {team_id}")


def _requester_and_channel(
    session: Session, data: TicketCreate, actor: Actor
) -> tuple[Customer, Channel]:
    if actor.is_customer:
        assert actor.id is not None  # noqa: S101 (a customer actor always has an id)
        return accounts.get_customer(session, customer_id=actor.id, actor=actor), Channel.portal
    if data.requester is None:
        raise Invalid("a ticket needs a requester (email and name)")
    email = accounts.normalize_email(data.requester.email)
    requester = session.scalars(_CUSTOMER_BY_EMAIL, {"email": email}).first()
    if requester is None:
        requester = accounts.get_or_create_customer(session, email=email, name=data.requester.name)
    return requester, data.channel or (Channel.api if actor.scopes is not None else Channel.web)


def create_ticket(
    session: Session,
    *,
    data: TicketCreate,
    actor: Actor,
    uploads: Sequence[Upload] = (),
    raw: str | None = None,
) -> Ticket:
    """A new ticket with its first message. An unknown requester becomes a customer.

    The ticket is the one ORM object (callers present it); its dependent rows (tags, the
    first message, the 'created' event, the search document, the live-feed row) are
    written with plain INSERTs, which skip the unit of work's bookkeeping.
    """
    require_scope(actor, "tickets:write")
    requester, channel = _requester_and_channel(session, data, actor)
    service = _lookup_service(session, data.service)
    team_id = None if actor.is_customer else data.team_id
    assignee_id = data.assignee_id if actor.is_staff else None
    # A team taken from the service exists (foreign key); only a team given is checked.
    _check_assignment(session, assignee_id, team_id)
    if team_id is None and service is not None:
        team_id = service.owning_team_id
    stamp = now()
    values: dict[str, Any] = {
        "subject": data.subject,
        "requester_id": requester.id,
        "organization_id": requester.organization_id,
        "channel": channel,
        "type": data.type,
        "priority": data.priority,
        "status": Status.new,
        "assignee_id": assignee_id,
        "team_id": team_id,
        "service_id": None if service is None else service.id,
        "tags": list(data.tags),
        "custom_fields": validate_custom_fields(session, data.custom_fields),
        "created_at": stamp,
        "updated_at": stamp,
        "first_public_reply_at": None,
        "solved_at": None,
        "closed_at": None,
        "merged_into_id": None,
        "reopen_count": 0,
        "version": 1,
    }
    ticket = _insert_ticket(session, values, requester, service)
    body_html, body_text = body_from(text=data.description, html_body=data.description_html)
    _write_first_rows(session, ticket, actor, body_html, body_text, raw, uploads)
    search.index_new(session, ticket.id, subject=ticket.subject, public_text=body_text)
    live.publish(session, topic="tickets", payload={"action": "created", "ticket_id": ticket.id})
    hooks.emit(session, hooks.TicketChange(kind="created", ticket_id=ticket.id, actor=actor))
    return ticket


def _insert_ticket(
    session: Session, values: dict[str, Any], requester: Customer, service: Service | None
) -> Ticket:
    """INSERTs the row, then attaches a Ticket holding every column (and the requester and
    service rows already loaded, so presenting it loads nothing) as persistent and clean."""
    key = session.connection().execute(_INSERT_TICKET, values).inserted_primary_key
    assert key is not None  # noqa: S101 (an INSERT of one row has its key)
    ticket = Ticket(id=key[0], **values)
    ticket.requester = requester
    ticket.service = service
    make_transient_to_detached(ticket)
    session.add(ticket)
    return ticket


def _write_first_rows(
    session: Session,
    ticket: Ticket,
    actor: Actor,
    body_html: str,
    body_text: str,
    raw: str | None,
    uploads: Sequence[Upload],
) -> None:
    """Tags, the first message and the 'created' event of a new ticket, as plain INSERTs."""
    conn = session.connection()
    if ticket.tags:
        conn.execute(_INSERT_TAG, [{"ticket_id": ticket.id, "tag": tag} for tag in ticket.tags])
    message_row = {
        "ticket_id": ticket.id,
        "author_kind": AuthorKind.customer,
        "author_user_id": None,
        "author_customer_id": ticket.requester_id,
        "is_public": True,
        "channel": ticket.channel,
        "body_html": body_html,
        "body_text": body_text,
        "raw": raw,
        "created_at": ticket.created_at,
    }
    if uploads:
        key = conn.execute(_INSERT_MESSAGE, message_row).inserted_primary_key
        assert key is not None  # noqa: S101 (an INSERT of one row has its key)
        message = session.get(Message, key[0])
        assert message is not None  # noqa: S101 (inserted just above)
        store_uploads(session, ticket=ticket, message=message, uploads=uploads)
        session.flush()
    else:
        conn.execute(_INSERT_MESSAGE, message_row)
    conn.execute(
        _INSERT_EVENT,
        {
            "ticket_id": ticket.id,
            "actor_kind": actor_kind(actor),
            "actor_id": actor.id,
            "field": "created",
            "old_value": None,
            "new_value": ticket.status.value,
            "created_at": ticket.created_at,
        },
    )


def get_ticket(session: Session, *, ticket_id: int, actor: Actor) -> Ticket:
    require_scope(actor, "tickets:read")
    return get_visible_ticket(session, ticket_id=ticket_id, actor=actor)


def update_ticket(
    session: Session,
    *,
    ticket_id: int,
    data: TicketUpdate,
    actor: Actor,
    if_match: str | None = None,
) -> Ticket:
    """Changes fields, enforcing status transitions; records an event per changed field."""
    require_scope(actor, "tickets:write")
    ticket = get_visible_ticket(session, ticket_id=ticket_id, actor=actor)
    if if_match is not None and if_match.strip() not in (ticket.etag, "*"):
        raise PreconditionFailed("the ticket changed since you read it; reload and try again")
    values = data.model_dump(exclude_unset=True)
    if actor.is_customer:
        allowed = {"status"}
        if set(values) - allowed or values.get("status") not in (None, Status.solved):
            raise PermissionDenied("a customer may only mark their request as solved")
    if "service" in values:
        values["service_id"] = _resolve_service(session, values.pop("service"))
    _check_assignment(session, values.get("assignee_id"), values.get("team_id"))
    if ticket.status == Status.closed and values:
        raise Invalid("a closed ticket cannot be changed; open a follow-up instead")
    changes: dict[str, tuple[Any, Any]] = {}
    if apply_changes(session, ticket, values, actor, changes):
        ticket.updated_at = now()
        session.flush()
        if "subject" in values:
            search.reindex(session, ticket.id)
        live.publish(
            session, topic="tickets", payload={"action": "updated", "ticket_id": ticket.id}
        )
        hooks.emit(
            session,
            hooks.TicketChange(kind="updated", ticket_id=ticket.id, actor=actor, changes=changes),
        )
    return ticket


def apply_changes(
    session: Session,
    ticket: Ticket,
    values: dict[str, Any],
    actor: Actor,
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> bool:
    """Applies `values`; records an event per changed field and, when given, fills `changes`
    with field -> (old, new)."""
    changes = {} if changes is None else changes
    if "status" in values and values["status"] is not None:
        old = ticket.status
        if lifecycle.move(ticket, values["status"]):
            record(session, ticket, actor, "status", old, ticket.status)
            changes["status"] = (old, ticket.status)
    for field in TRACKED:
        if field == "status" or field not in values:
            continue
        old, new = getattr(ticket, field), values[field]
        if new is None and field in ("subject", "priority", "type"):
            raise Invalid(f"{field} cannot be empty")
        if old != new:
            setattr(ticket, field, new)
            record(session, ticket, actor, field, old, new)
            changes[field] = (old, new)
    if values.get("tags") is not None and list(values["tags"]) != list(ticket.tags):
        old_tags = list(ticket.tags)
        record(session, ticket, actor, "tags", ",".join(ticket.tags), ",".join(values["tags"]))
        set_tags(session, ticket, values["tags"])
        changes["tags"] = (old_tags, list(values["tags"]))
    if values.get("custom_fields") is not None:
        merged = {
            **ticket.custom_fields,
            **validate_custom_fields(session, values["custom_fields"]),
        }
        if merged != ticket.custom_fields:
            record(session, ticket, actor, "custom_fields", None, ",".join(sorted(merged)))
            changes["custom_fields"] = (dict(ticket.custom_fields), merged)
            ticket.custom_fields = merged
    return bool(changes)


def history(session: Session, *, ticket_id: int, actor: Actor) -> Sequence[TicketEvent]:
    get_ticket(session, ticket_id=ticket_id, actor=actor)
    if not actor.is_staff:
        raise NotFound(f"ticket {ticket_id} history not found")
    return session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
    ).all()
