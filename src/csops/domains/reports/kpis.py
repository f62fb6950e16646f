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

from sqlalchemy import case, func, select, tuple_
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


def _volume_pg(session: Session, where: list[Any], day: Any) -> dict[str, dict[Any, int]]:
    """Every breakdown in one scan (GROUPING SETS): channel, type, service, organization, day."""
    dims = {
        "channel": TicketFact.channel,
        "type": TicketFact.type,
        "service": TicketFact.service_id,
        "organization": TicketFact.organization_id,
        "day": day,
    }
    grouping = func.grouping_sets(*[tuple_(c) for c in dims.values()])
    flags = [func.grouping(c).label(f"g_{name}") for name, c in dims.items()]
    query = (
        select(*[c.label(name) for name, c in dims.items()], *flags, func.count().label("n"))
        .select_from(TicketFact)
        .where(*where)
        .group_by(grouping)
    )
    found: dict[str, dict[Any, int]] = {name: {} for name in dims}
    for row in session.execute(query).mappings():
        name = next(n for n in dims if row[f"g_{n}"] == 0)
        found[name][row[name]] = int(row["n"])
    return found


def _volume_portable(session: Session, where: list[Any], day: Any) -> dict[str, dict[Any, int]]:
    return {
        "channel": _grouped(session, TicketFact.channel, where),
        "type": _grouped(session, TicketFact.type, where),
        "service": _grouped(session, TicketFact.service_id, where),
        "organization": _grouped(session, TicketFact.organization_id, where),
        "day": _grouped(session, day, where),
    }


def _by_count(counts: dict[Any, int]) -> dict[Any, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], str(item[0]))))


def volume(session: Session, f: KpiFilter) -> Volume:
    where = f.fact_conditions()
    day = day_bucket(session, TicketFact.created_at)
    if session.get_bind().dialect.name == "postgresql":
        found = _volume_pg(session, where, day)
    else:
        found = _volume_portable(session, where, day)
    by_channel = {str(k): n for k, n in _by_count(found["channel"]).items()}
    return Volume(
        total=sum(by_channel.values()),
        by_channel=by_channel,
        by_type={str(k): n for k, n in _by_count(found["type"]).items()},
        by_service=_named(session, Service, _by_count(found["service"]), 12),
        by_organization=_named(session, Organization, _by_count(found["organization"]), 10),
        per_day={str(k): n for k, n in sorted(found["day"].items())},
    )


@dataclass
class Timing:
    """Percentiles of a duration, in hours, over `count` tickets."""

    count: int
    p50_hours: float | None
    p90_hours: float | None


def _timing(session: Session, column: Any, where: list[Any]) -> Timing:
    where = [*where, column.is_not(None)]
    n, (p50, p90) = percentiles(session, select(column).where(*where))
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


def solved_rates(session: Session, f: KpiFilter) -> tuple[float | None, float | None]:
    """Of tickets first solved in the period: the share reopened afterwards, and the share
    solved with exactly one public agent reply (one-touch), in one query."""
    row = session.execute(
        select(
            func.count(),
            func.sum(case((TicketFact.reopened.is_(True), 1), else_=0)),
            func.sum(case((TicketFact.public_replies == 1, 1), else_=0)),
        ).where(*f.fact_conditions(on="first_solved_at"))
    ).one()
    total = int(row[0] or 0)
    return _rate(int(row[1] or 0), total), _rate(int(row[2] or 0), total)


def reopen_rate(session: Session, f: KpiFilter) -> float | None:
    return solved_rates(session, f)[0]


def one_touch_rate(session: Session, f: KpiFilter) -> float | None:
    return solved_rates(session, f)[1]


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
    rates = solved_rates(session, f)
    return Dashboard(
        filter=f,
        volume=volume(session, f),
        first_response=first_response(session, f),
        resolution=resolution(session, f),
        backlog=backlog(session, f),
        reopen_rate=rates[0],
        one_touch_rate=rates[1],
        extra=kpis_ops.collect(session, f),
    )
