"""KPIs computed from ticket events and timestamps that never change once written
(created, first public reply, status events), not from mutable fields.

Every KPI takes one `KpiFilter` (period, team, agent, service, organization, channel).
Other areas' figures (SLA attainment, CSAT, incidents) are read from their tables by name
through the shared metadata; an area whose tables are absent reports None, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, case, func, select
from sqlalchemy.orm import Session

from csops.db import Base
from csops.domains.accounts.models import Organization, Service
from csops.domains.reports import kpis_ops
from csops.domains.reports.durations import day_bucket, percentiles, seconds_between
from csops.domains.reports.filters import OPEN_STATES, KpiFilter
from csops.domains.tickets.models import Message, Status, Ticket, TicketEvent

AGE_BUCKETS = (
    (timedelta(days=1), "< 1 day"),
    (timedelta(days=3), "1-3 days"),
    (timedelta(days=7), "3-7 days"),
)


def _table(name: str) -> Table | None:
    return Base.metadata.tables.get(name)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Volume:
    total: int
    by_channel: dict[str, int]
    by_type: dict[str, int]
    by_service: dict[str, int]
    by_organization: dict[str, int]
    per_day: dict[str, int]


def volume(session: Session, f: KpiFilter) -> Volume:
    where = f.ticket_conditions()

    def grouped(column: Any, limit: int | None = None) -> dict[str, int]:
        query = (
            select(column, func.count())
            .select_from(Ticket)
            .where(*where)
            .group_by(column)
            .order_by(func.count().desc())
        )
        if limit:
            query = query.limit(limit)
        return {str(k) if k is not None else "—": int(n) for k, n in session.execute(query)}

    by_service = grouped(
        select(Service.name).where(Service.id == Ticket.service_id).scalar_subquery(), 12
    )
    by_org = grouped(
        select(Organization.name)
        .where(Organization.id == Ticket.organization_id)
        .scalar_subquery(),
        10,
    )
    day = day_bucket(session, Ticket.created_at)
    per_day = dict(
        session.execute(
            select(day, func.count()).select_from(Ticket).where(*where).group_by(day).order_by(day)
        ).all()
    )
    total = int(session.scalar(select(func.count()).select_from(Ticket).where(*where)) or 0)
    return Volume(
        total=total,
        by_channel=grouped(Ticket.channel),
        by_type=grouped(Ticket.type),
        by_service=by_service,
        by_organization=by_org,
        per_day={str(k): int(v) for k, v in per_day.items()},
    )


@dataclass
class Timing:
    """Percentiles of a duration, in hours, over `count` tickets."""

    count: int
    p50_hours: float | None
    p90_hours: float | None


def _timing(session: Session, seconds: ColumnElement[float], where: list[Any]) -> Timing:
    query = select(seconds.label("s")).select_from(Ticket).where(*where)
    p50, p90 = percentiles(session, query)
    n = int(session.scalar(select(func.count()).select_from(Ticket).where(*where)) or 0)
    return Timing(
        count=n,
        p50_hours=None if p50 is None else p50 / 3600,
        p90_hours=None if p90 is None else p90 / 3600,
    )


def first_response(session: Session, f: KpiFilter) -> Timing:
    """Time from creation to the first public agent reply, of tickets created in the period."""
    where = [*f.ticket_conditions(), Ticket.first_public_reply_at.is_not(None)]
    return _timing(
        session, seconds_between(session, Ticket.created_at, Ticket.first_public_reply_at), where
    )


def _first_solved_at() -> Any:
    return (
        select(func.min(TicketEvent.created_at))
        .where(
            TicketEvent.ticket_id == Ticket.id,
            TicketEvent.field == "status",
            TicketEvent.new_value == Status.solved.value,
        )
        .correlate(Ticket)
        .scalar_subquery()
    )


def resolution(session: Session, f: KpiFilter) -> Timing:
    """Time from creation to the first 'solved' status event, of tickets created in the period."""
    solved_at = _first_solved_at()
    where = [*f.ticket_conditions(), solved_at.is_not(None)]
    return _timing(session, seconds_between(session, Ticket.created_at, solved_at), where)


@dataclass
class Backlog:
    open: int
    by_age: dict[str, int]
    oldest_days: float | None


def backlog(session: Session, f: KpiFilter) -> Backlog:
    """Tickets open at the end of the period (now, when the period ends in the future)."""
    where = [*f.ticket_conditions(created_in_period=False), Ticket.status.in_(OPEN_STATES)]
    where.append(Ticket.created_at < f.end)
    age_case = case(
        *[(Ticket.created_at >= f.end - limit, label) for limit, label in AGE_BUCKETS],
        else_="> 7 days",
    )
    rows = session.execute(
        select(age_case, func.count()).select_from(Ticket).where(*where).group_by(age_case)
    ).all()
    by_age = {label: 0 for _, label in AGE_BUCKETS} | {"> 7 days": 0}
    by_age.update({str(k): int(n) for k, n in rows})
    oldest = session.scalar(select(func.min(Ticket.created_at)).where(*where))
    days = None if oldest is None else (f.end - oldest).total_seconds() / 86400
    return Backlog(open=sum(by_age.values()), by_age=by_age, oldest_days=days)


def _solved_in_period(f: KpiFilter) -> Any:
    return (
        select(TicketEvent.ticket_id)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(
            TicketEvent.field == "status",
            TicketEvent.new_value == Status.solved.value,
            TicketEvent.created_at >= f.start,
            TicketEvent.created_at < f.end,
            *f.ticket_conditions(created_in_period=False),
        )
        .distinct()
    )


def reopen_rate(session: Session, f: KpiFilter) -> float | None:
    """Of tickets solved in the period, the share reopened afterwards (a status event out of
    'solved' to an open state)."""
    solved = _solved_in_period(f).subquery()
    total = int(session.scalar(select(func.count()).select_from(solved)) or 0)
    reopened = session.scalar(
        select(func.count(func.distinct(TicketEvent.ticket_id))).where(
            TicketEvent.ticket_id.in_(select(solved.c.ticket_id)),
            TicketEvent.field == "status",
            TicketEvent.old_value == Status.solved.value,
            TicketEvent.new_value.in_([s.value for s in OPEN_STATES]),
        )
    )
    return _rate(int(reopened or 0), total)


def one_touch_rate(session: Session, f: KpiFilter) -> float | None:
    """Of tickets solved in the period, the share solved with exactly one public agent reply."""
    solved = _solved_in_period(f).subquery()
    replies = (
        select(Message.ticket_id, func.count().label("n"))
        .where(
            Message.ticket_id.in_(select(solved.c.ticket_id)),
            Message.author_kind == "user",
            Message.is_public.is_(True),
        )
        .group_by(Message.ticket_id)
        .subquery()
    )
    total = int(session.scalar(select(func.count()).select_from(solved)) or 0)
    one = session.scalar(select(func.count()).select_from(replies).where(replies.c.n == 1))
    return _rate(int(one or 0), total)


@dataclass
class Dashboard:
    filter: KpiFilter
    volume: Volume
    first_response: Timing
    resolution: Timing
    backlog: Backlog
    reopen_rate: float | None
    one_touch_rate: float | None
    extra: dict[str, Any] = field(default_factory=dict)


def dashboard(session: Session, f: KpiFilter) -> Dashboard:
    return Dashboard(
        filter=f,
        volume=volume(session, f),
        first_response=first_response(session, f),
        resolution=resolution(session, f),
        backlog=backlog(session, f),
        reopen_rate=reopen_rate(session, f),
        one_touch_rate=one_touch_rate(session, f),
        extra=kpis_ops.collect(session, f),
    )
