"""KPIs computed from ticket events and timestamps that never change once written
(created, first public reply, first 'solved', reopening), read from `ticket_facts`.

Every KPI takes one `KpiFilter` (period, team, agent, service, organization, channel).
Other areas' figures (SLA attainment, CSAT, incidents) come from `kpis_ops`, which reads
their tables by name; an area whose tables are absent reports no data, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from csops.domains.accounts.models import Organization, Service
from csops.domains.reports import kpis_ops
from csops.domains.reports.durations import day_bucket, percentiles
from csops.domains.reports.filters import OPEN_STATES, KpiFilter
from csops.domains.reports.models import TicketFact
from csops.domains.tickets.models import Ticket

AGE_BUCKETS = (
    (timedelta(days=1), "< 1 day"),
    (timedelta(days=3), "1-3 days"),
    (timedelta(days=7), "3-7 days"),
)


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


def _grouped(session: Session, column: Any, where: list[Any]) -> dict[Any, int]:
    query = (
        select(column, func.count())
        .select_from(TicketFact)
        .where(*where)
        .group_by(column)
        .order_by(func.count().desc())
    )
    return {key: int(n) for key, n in session.execute(query)}


def _named(session: Session, model: Any, counts: dict[Any, int], limit: int) -> dict[str, int]:
    ids = [k for k in counts if k is not None][:limit]
    rows = session.execute(select(model.id, model.name).where(model.id.in_(ids))).all()
    names: dict[Any, str] = {row[0]: row[1] for row in rows}
    found = {str(names.get(k, k)): n for k, n in counts.items() if k in names}
    if None in counts:
        found["—"] = counts[None]
    return found


def volume(session: Session, f: KpiFilter) -> Volume:
    where = f.fact_conditions()
    day = day_bucket(session, TicketFact.created_at)
    per_day = session.execute(
        select(day, func.count()).select_from(TicketFact).where(*where).group_by(day).order_by(day)
    ).all()
    by_channel = {str(k): n for k, n in _grouped(session, TicketFact.channel, where).items()}
    return Volume(
        total=sum(by_channel.values()),
        by_channel=by_channel,
        by_type={str(k): n for k, n in _grouped(session, TicketFact.type, where).items()},
        by_service=_named(session, Service, _grouped(session, TicketFact.service_id, where), 12),
        by_organization=_named(
            session, Organization, _grouped(session, TicketFact.organization_id, where), 10
        ),
        per_day={str(k): int(v) for k, v in per_day},
    )


@dataclass
class Timing:
    """Percentiles of a duration, in hours, over `count` tickets."""

    count: int
    p50_hours: float | None
    p90_hours: float | None


def _timing(session: Session, column: Any, where: list[Any]) -> Timing:
    where = [*where, column.is_not(None)]
    p50, p90 = percentiles(session, select(column).where(*where))
    n = int(session.scalar(select(func.count()).select_from(TicketFact).where(*where)) or 0)
    return Timing(
        count=n,
        p50_hours=None if p50 is None else p50 / 3600,
        p90_hours=None if p90 is None else p90 / 3600,
    )


def first_response(session: Session, f: KpiFilter) -> Timing:
    """Time from creation to the first public agent reply, of tickets created in the period."""
    return _timing(session, TicketFact.first_response_seconds, f.fact_conditions())


def resolution(session: Session, f: KpiFilter) -> Timing:
    """Time from creation to the first 'solved', of tickets created in the period."""
    return _timing(session, TicketFact.resolution_seconds, f.fact_conditions())


@dataclass
class Backlog:
    open: int
    by_age: dict[str, int]
    oldest_days: float | None


def backlog(session: Session, f: KpiFilter) -> Backlog:
    """Tickets open now that were created before the period's end."""
    where = [
        *f.ticket_conditions(created_in_period=False),
        Ticket.status.in_(OPEN_STATES),
        Ticket.created_at < f.end,
    ]
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


def _solved(session: Session, f: KpiFilter, *extra: Any) -> int:
    where = [*f.fact_conditions(on="first_solved_at"), *extra]
    return int(session.scalar(select(func.count()).select_from(TicketFact).where(*where)) or 0)


def reopen_rate(session: Session, f: KpiFilter) -> float | None:
    """Of tickets first solved in the period, the share reopened afterwards."""
    return _rate(_solved(session, f, TicketFact.reopened.is_(True)), _solved(session, f))


def one_touch_rate(session: Session, f: KpiFilter) -> float | None:
    """Of tickets first solved in the period, the share with exactly one public agent reply."""
    return _rate(_solved(session, f, TicketFact.public_replies == 1), _solved(session, f))


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
