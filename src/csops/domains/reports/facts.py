"""Keeping `ticket_facts` current: one row per ticket, written when the events happen, and
a rebuild from the events for repairs and bulk loads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, case, delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.reports.durations import seconds_between
from csops.domains.reports.filters import OPEN_STATES
from csops.domains.reports.models import TicketFact
from csops.domains.tickets.models import Message, Status, Ticket, TicketEvent

DIMENSIONS = ("team_id", "assignee_id", "service_id", "organization_id", "type", "priority")


def _value(value: Any) -> Any:
    return getattr(value, "value", value)


def record_created(session: Session, ticket_id: int) -> None:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        return
    session.execute(
        insert(TicketFact).values(
            ticket_id=ticket.id,
            created_at=ticket.created_at,
            team_id=ticket.team_id,
            assignee_id=ticket.assignee_id,
            service_id=ticket.service_id,
            organization_id=ticket.organization_id,
            channel=_value(ticket.channel),
            type=_value(ticket.type),
            priority=_value(ticket.priority),
            public_replies=0,
            reopened=False,
        )
    )


def record_agent_reply(session: Session, ticket_id: int) -> None:
    fact = TicketFact.__table__.c
    elapsed = seconds_between(session, fact.created_at, literal(now(), TicketFact.created_at.type))
    session.execute(
        update(TicketFact)
        .where(fact.ticket_id == ticket_id)
        .values(
            public_replies=fact.public_replies + 1,
            first_response_seconds=func.coalesce(fact.first_response_seconds, elapsed),
        )
    )


def record_changes(session: Session, ticket_id: int, changes: dict[str, tuple[Any, Any]]) -> None:
    fact = TicketFact.__table__.c
    values: dict[str, Any] = {
        name: _value(changes[name][1]) for name in DIMENSIONS if name in changes
    }
    if "status" in changes:
        old, new = (_value(v) for v in changes["status"])
        if new == Status.solved.value:
            stamp = literal(now(), TicketFact.created_at.type)
            values["first_solved_at"] = func.coalesce(fact.first_solved_at, stamp)
            values["resolution_seconds"] = func.coalesce(
                fact.resolution_seconds, seconds_between(session, fact.created_at, stamp)
            )
        elif old == Status.solved.value and new in {s.value for s in OPEN_STATES}:
            values["reopened"] = True
    if values:
        session.execute(update(TicketFact).where(fact.ticket_id == ticket_id).values(**values))


def rebuild_facts(session: Session) -> int:
    """Recomputes every fact from tickets, status events and messages; returns the count."""
    session.execute(delete(TicketFact))
    first_solved = (
        select(TicketEvent.ticket_id, func.min(TicketEvent.created_at).label("at"))
        .where(TicketEvent.field == "status", TicketEvent.new_value == Status.solved.value)
        .group_by(TicketEvent.ticket_id)
        .subquery()
    )
    reopened = (
        select(TicketEvent.ticket_id)
        .where(
            TicketEvent.field == "status",
            TicketEvent.old_value == Status.solved.value,
            TicketEvent.new_value.in_([s.value for s in OPEN_STATES]),
        )
        .distinct()
        .subquery()
    )
    replies = (
        select(Message.ticket_id, func.count().label("n"))
        .where(Message.author_kind == "user", Message.is_public.is_(True))
        .group_by(Message.ticket_id)
        .subquery()
    )
    query = (
        select(
            Ticket.id,
            Ticket.created_at,
            Ticket.team_id,
            Ticket.assignee_id,
            Ticket.service_id,
            Ticket.organization_id,
            Ticket.channel,
            Ticket.type,
            Ticket.priority,
            seconds_between(session, Ticket.created_at, Ticket.first_public_reply_at),
            first_solved.c.at,
            seconds_between(session, Ticket.created_at, first_solved.c.at).cast(Float),
            func.coalesce(replies.c.n, 0),
            case((reopened.c.ticket_id.is_not(None), True), else_=False),
        )
        .outerjoin(first_solved, first_solved.c.ticket_id == Ticket.id)
        .outerjoin(reopened, reopened.c.ticket_id == Ticket.id)
        .outerjoin(replies, replies.c.ticket_id == Ticket.id)
    )
    columns = [
        "ticket_id",
        "created_at",
        "team_id",
        "assignee_id",
        "service_id",
        "organization_id",
        "channel",
        "type",
        "priority",
        "first_response_seconds",
        "first_solved_at",
        "resolution_seconds",
        "public_replies",
        "reopened",
    ]
    session.execute(insert(TicketFact).from_select(columns, query))
    return int(session.scalar(select(func.count()).select_from(TicketFact)) or 0)
