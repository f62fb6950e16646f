"""Listing tickets: filters on every field, search, sorting, cursor pagination, saved views."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Team
from csops.domains.accounts.service import slugify
from csops.domains.tickets import search
from csops.domains.tickets.access import require_scope, ticket_filter
from csops.domains.tickets.models import (
    Channel,
    Priority,
    SavedView,
    Status,
    Ticket,
    TicketTag,
    TicketType,
)
from csops.errors import Invalid, NotFound

UNSOLVED = (Status.new, Status.open, Status.pending, Status.on_hold)
SORTABLE = ("id", "created_at", "updated_at", "priority", "status", "subject", "due")
SortKey = Literal[
    "id",
    "-id",
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "priority",
    "-priority",
    "status",
    "-status",
    "subject",
    "-subject",
    "due",
    "-due",
]
# "due": soonest SLA breach first (sla domain keeps the column); no SLA sorts last.
_NO_DUE = datetime(9999, 12, 31, tzinfo=UTC)
_DUE = func.coalesce(Ticket.sla_next_breach_at, _NO_DUE, type_=Ticket.sla_next_breach_at.type)
_PRIORITY_RANK = case(
    {
        Priority.low.value: 0,
        Priority.normal.value: 1,
        Priority.high.value: 2,
        Priority.urgent.value: 3,
    },
    value=Ticket.priority,
)


class TicketFilters(BaseModel):
    """Every field a list can be narrowed by. `me` and `none` work for assignee and team."""

    model_config = ConfigDict(extra="forbid")

    q: Annotated[str, Field(max_length=500)] | None = None
    status: list[Status | Literal["unsolved"]] = Field(default_factory=list, max_length=10)
    priority: list[Priority] = Field(default_factory=list, max_length=4)
    type: list[TicketType] = Field(default_factory=list, max_length=4)
    channel: list[Channel] = Field(default_factory=list, max_length=10)
    assignee: int | Literal["me", "none"] | None = None
    team: int | Literal["mine", "none"] | None = None
    service_id: int | None = None
    organization_id: int | None = None
    requester_id: int | None = None
    tag: list[Annotated[str, Field(max_length=50)]] = Field(default_factory=list, max_length=10)
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None

    @field_validator("created_after", "created_before", "updated_after", "updated_before")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        """A time without a zone is taken as UTC (the database only takes aware times)."""
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


@dataclass(frozen=True)
class Page:
    items: Sequence[Ticket]
    next_cursor: str | None
    total: int | None = None


def _sort_column(key: str) -> Any:
    if key == "due":
        return _DUE
    return _PRIORITY_RANK if key == "priority" else getattr(Ticket, key)


def _conditions(
    session: Session, filters: TicketFilters, actor: Actor
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [ticket_filter(actor)]
    if filters.status:
        wanted = {s for s in filters.status if s != "unsolved"}
        if "unsolved" in filters.status:
            wanted |= set(UNSOLVED)
        conds.append(Ticket.status.in_(list(wanted)))
    for column, values in (
        (Ticket.priority, filters.priority),
        (Ticket.type, filters.type),
        (Ticket.channel, filters.channel),
    ):
        if values:
            conds.append(column.in_(list(values)))
    if filters.assignee == "none":
        conds.append(Ticket.assignee_id.is_(None))
    elif filters.assignee == "me":
        conds.append(Ticket.assignee_id == actor.id)
    elif filters.assignee is not None:
        conds.append(Ticket.assignee_id == filters.assignee)
    if filters.team == "none":
        conds.append(Ticket.team_id.is_(None))
    elif filters.team == "mine":
        conds.append(Ticket.team_id.in_(actor.team_ids))
    elif filters.team is not None:
        conds.append(Ticket.team_id == filters.team)
    for id_column, value in (
        (Ticket.service_id, filters.service_id),
        (Ticket.organization_id, filters.organization_id),
        (Ticket.requester_id, filters.requester_id),
    ):
        if value is not None:
            conds.append(id_column == value)
    for tag in filters.tag:
        conds.append(Ticket.id.in_(select(TicketTag.ticket_id).where(TicketTag.tag == tag.lower())))
    for time_column, bound, after in (
        (Ticket.created_at, filters.created_after, True),
        (Ticket.created_at, filters.created_before, False),
        (Ticket.updated_at, filters.updated_after, True),
        (Ticket.updated_at, filters.updated_before, False),
    ):
        if bound is not None:
            conds.append(time_column >= bound if after else time_column < bound)
    if filters.q:
        match = search.matching(session, filters.q, include_internal=actor.is_staff)
        if match is not None:
            conds.append(match)
    return conds


def encode_cursor(value: Any, ident: int) -> str:
    if isinstance(value, datetime):
        value = {"dt": value.isoformat()}
    return base64.urlsafe_b64encode(json.dumps([value, ident]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, ident = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if isinstance(value, dict):
            value = datetime.fromisoformat(value["dt"])
        if not isinstance(ident, int):
            raise ValueError("bad id")
        return value, ident
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise Invalid("the cursor is not valid; start from the first page") from exc


def _cursor_fits(key: str, value: Any, ident: int) -> bool:
    """A cursor is only valid for the sort it was made for (it could be forged or stale)."""
    if not 0 <= ident <= 2**63 - 1:
        return False
    if key in ("created_at", "updated_at", "due"):
        return isinstance(value, datetime) and value.tzinfo is not None
    if key == "priority":
        return isinstance(value, int) and not isinstance(value, bool)
    return key == "id" or isinstance(value, str)


def _apply_cursor(query: Select[Any], key: str, descending: bool, cursor: str) -> Select[Any]:
    value, ident = decode_cursor(cursor)
    if not _cursor_fits(key, value, ident):
        raise Invalid("the cursor does not fit this sort; start from the first page")
    column = _sort_column(key)
    if key == "id":
        return query.where(Ticket.id < ident if descending else Ticket.id > ident)
    if descending:
        return query.where(or_(column < value, and_(column == value, Ticket.id < ident)))
    return query.where(or_(column > value, and_(column == value, Ticket.id > ident)))


def list_tickets(
    session: Session,
    *,
    filters: TicketFilters,
    actor: Actor,
    sort: str = "-updated_at",
    limit: int = 50,
    cursor: str | None = None,
    with_total: bool = False,
) -> Page:
    require_scope(actor, "tickets:read")
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTABLE:
        raise Invalid(f"cannot sort by {key!r}; choose one of {', '.join(SORTABLE)}")
    conds = _conditions(session, filters, actor)
    query = select(Ticket).where(*conds)
    if cursor:
        query = _apply_cursor(query, key, descending, cursor)
    column = _sort_column(key)
    order = [column.desc(), Ticket.id.desc()] if descending else [column.asc(), Ticket.id.asc()]
    rows = session.scalars(query.order_by(*order).limit(limit + 1)).unique().all()
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        sort_value = _rank(last.priority) if key == "priority" else getattr(last, key, None)
        if key == "due":
            sort_value = last.sla_next_breach_at or _NO_DUE
        next_cursor = encode_cursor(sort_value, last.id)
    total = count_tickets(session, filters=filters, actor=actor) if with_total else None
    return Page(items=items, next_cursor=next_cursor, total=total)


def _rank(priority: Priority) -> int:
    return list(Priority).index(priority)


def count_tickets(session: Session, *, filters: TicketFilters, actor: Actor) -> int:
    conds = _conditions(session, filters, actor)
    return session.scalar(select(func.count(Ticket.id)).where(*conds)) or 0


# Views ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    slug: str
    name: str
    filters: dict[str, Any]
    sort: str = "-updated_at"
    saved_id: int | None = None


def builtin_views(session: Session, actor: Actor) -> list[View]:
    views = [
        View("mine", "Mine", {"assignee": "me", "status": ["unsolved"]}),
        View("unassigned", "Unassigned", {"assignee": "none", "status": ["unsolved"]}),
        View("urgent", "Urgent", {"priority": ["urgent"], "status": ["unsolved"]}),
        View("open", "All open", {"status": ["unsolved"]}),
    ]
    teams = session.scalars(select(Team).order_by(Team.name)).all()
    for team in teams:
        if actor.sees_all_tickets or team.id in actor.team_ids:
            views.append(
                View(f"team-{team.id}", team.name, {"team": team.id, "status": ["unsolved"]})
            )
    return views


def all_views(session: Session, actor: Actor) -> list[View]:
    saved = session.scalars(
        select(SavedView)
        .where(or_(SavedView.owner_id.is_(None), SavedView.owner_id == actor.id))
        .order_by(SavedView.position, SavedView.name)
    ).all()
    return builtin_views(session, actor) + [
        View(row.slug, row.name, row.filters, row.sort, row.id) for row in saved
    ]


def find_view(session: Session, actor: Actor, slug: str) -> View:
    for view in all_views(session, actor):
        if view.slug == slug:
            return view
    raise NotFound(f"view {slug!r} not found")


def view_filters(view: View) -> TicketFilters:
    try:
        return TicketFilters.model_validate(view.filters)
    except ValidationError as exc:
        raise Invalid(f"view {view.slug!r} has invalid filters") from exc


def view_counts(session: Session, actor: Actor) -> dict[str, int]:
    return {
        view.slug: count_tickets(session, filters=view_filters(view), actor=actor)
        for view in all_views(session, actor)
    }


def save_view(
    session: Session,
    *,
    name: str,
    filters: TicketFilters,
    sort: str,
    actor: Actor,
    shared: bool = False,
) -> SavedView:
    if not actor.is_staff:
        raise NotFound("not found")
    if sort.lstrip("-") not in SORTABLE:
        raise Invalid(f"cannot sort by {sort!r}")
    base = slugify(name)
    slug = base
    n = 1
    while session.scalar(select(SavedView.id).where(SavedView.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    row = SavedView(
        name=name,
        slug=slug,
        owner_id=None if shared and actor.sees_all_tickets else actor.id,
        filters=filters.model_dump(mode="json", exclude_defaults=True),
        sort=sort,
    )
    session.add(row)
    session.flush()
    return row


def delete_view(session: Session, *, view_id: int, actor: Actor) -> None:
    row = session.get(SavedView, view_id)
    if row is None or (row.owner_id != actor.id and not actor.is_admin):
        raise NotFound(f"view {view_id} not found")
    session.delete(row)
    session.flush()
