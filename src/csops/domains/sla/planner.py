"""Per-ticket SLA state: start, pause, resume, achieve targets, and (re)plan their timers.

Each running target has a deadline computed by `timers.plan_metric`; its warning and breach
jobs carry the row's `token`. Whenever the deadline moves, the token is bumped and new jobs
are enqueued, so jobs of an older plan find a stale token and do nothing. A warning already
given in this cycle (`warned`) is never given again, whatever the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from csops.clock import as_utc, now
from csops.config import get_settings
from csops.domains.sla.models import Metric, SlaEvent, SlaEventKind, SlaPolicy, SlaStatus, TicketSla
from csops.domains.sla.policies import calendar_for
from csops.domains.sla.timers import Calendar, MetricPlan, Pause, plan_metric
from csops.domains.tickets.models import Ticket
from csops.jobs.queue import enqueue

CHECK_JOB = "sla.check"
BREACH = 100
_TICKETS = cast(Table, Ticket.__table__)


def target_minutes(policy: SlaPolicy, metric: Metric) -> int | None:
    return {
        Metric.first_response: policy.first_response_minutes,
        Metric.next_response: policy.next_response_minutes,
        Metric.resolution: policy.resolution_minutes,
    }[metric]


def warn_percents(policy: SlaPolicy | None) -> list[int]:
    if policy is not None and policy.warn_percents:
        return sorted({int(p) for p in policy.warn_percents})
    raw = get_settings().sla_warn_percents
    return sorted({int(p) for p in raw.split(",") if p.strip().isdigit()})


def pauses_of(row: TicketSla) -> list[Pause]:
    return [
        (
            as_utc(datetime.fromisoformat(s)),
            None if e is None else as_utc(datetime.fromisoformat(e)),
        )
        for s, e in row.pauses
    ]


def is_paused(row: TicketSla) -> bool:
    return bool(row.pauses) and row.pauses[-1][1] is None


def record(
    session: Session,
    row: TicketSla,
    kind: SlaEventKind,
    *,
    at: datetime | None = None,
    **extra: Any,
) -> None:
    session.add(
        SlaEvent(
            ticket_id=row.ticket_id,
            policy_id=row.policy_id,
            metric=row.metric,
            kind=kind,
            cycle=row.cycle,
            percent=extra.pop("percent", None),
            target_at=row.target_at,
            at=at or now(),
            details=extra,
        )
    )


def compute(session: Session, row: TicketSla, policy: SlaPolicy | None) -> MetricPlan:
    cal = calendar_for(session, policy) if policy is not None else Calendar.twenty_four_seven()
    return plan_metric(
        cal,
        started_at=as_utc(row.started_at),
        target=timedelta(minutes=row.target_minutes),
        now=now(),
        pauses=pauses_of(row),
        stopped_at=None if row.achieved_at is None else as_utc(row.achieved_at),
        warn_percents=warn_percents(policy),
    )


def start(
    session: Session, ticket: Ticket, policy: SlaPolicy, metric: Metric, at: datetime
) -> TicketSla | None:
    minutes = target_minutes(policy, metric)
    if minutes is None:
        return None
    row = session.scalar(
        select(TicketSla).where(TicketSla.ticket_id == ticket.id, TicketSla.metric == metric)
    )
    if row is None:
        row = TicketSla(ticket_id=ticket.id, metric=metric, cycle=1, token=1, warned=[])
        session.add(row)
    else:
        row.cycle += 1
        row.warned = []
        row.token += 1
    row.policy_id = policy.id
    row.status = SlaStatus.active
    row.target_minutes = minutes
    row.started_at = at
    row.target_at = None
    row.pauses = []
    row.achieved_at = None
    row.breached_at = None
    row.updated_at = now()
    record(session, row, SlaEventKind.started, at=at)
    return row


def pause(session: Session, row: TicketSla, at: datetime) -> None:
    if row.achieved_at is not None or is_paused(row):
        return
    row.pauses = [*row.pauses, [at.isoformat(), None]]
    row.status = SlaStatus.paused
    record(session, row, SlaEventKind.paused, at=at)


def resume(session: Session, row: TicketSla, at: datetime) -> None:
    if row.achieved_at is not None or not is_paused(row):
        return
    row.pauses = [*row.pauses[:-1], [row.pauses[-1][0], at.isoformat()]]
    row.status = SlaStatus.breached if row.breached_at else SlaStatus.active
    record(session, row, SlaEventKind.resumed, at=at)


def achieve(session: Session, row: TicketSla, policy: SlaPolicy | None, at: datetime) -> None:
    if row.achieved_at is not None:
        return
    resume(session, row, at)
    row.achieved_at = at
    plan = compute(session, row, policy)
    if plan.breached and row.breached_at is None:
        row.breached_at = plan.target_at or at
        record(session, row, SlaEventKind.breached, at=at, late=True)
    row.status = SlaStatus.breached if row.breached_at else SlaStatus.achieved
    row.token += 1
    record(session, row, SlaEventKind.achieved, at=at, on_time=row.breached_at is None)


def reopen(session: Session, row: TicketSla, at: datetime) -> None:
    """A solved ticket reopened: the resolution clock resumes; the solved time is a pause."""
    if row.achieved_at is None:
        return
    row.pauses = [*row.pauses, [as_utc(row.achieved_at).isoformat(), at.isoformat()]]
    row.achieved_at = None
    row.status = SlaStatus.breached if row.breached_at else SlaStatus.active
    record(session, row, SlaEventKind.resumed, at=at, reopened=True)


def replan(session: Session, row: TicketSla, policy: SlaPolicy | None) -> None:
    """Recompute the deadline; when it moved, bump the token and enqueue fresh timers."""
    if row.achieved_at is not None:
        return
    plan = compute(session, row, policy)
    old = None if row.target_at is None else as_utc(row.target_at)
    if plan.target_at == old:
        return
    row.target_at = plan.target_at
    row.token += 1
    row.updated_at = now()
    session.flush()
    replan_jobs(session, row, plan)


def replan_jobs(session: Session, row: TicketSla, plan: MetricPlan) -> None:
    """Enqueue the warning and breach jobs of the row's current token (not those given)."""
    if plan.target_at is None:
        return
    due = {**plan.warn_at, BREACH: plan.target_at}
    for percent, at in sorted(due.items()):
        if f"{row.cycle}:{percent}" in row.warned:
            continue
        enqueue(
            session,
            kind=CHECK_JOB,
            payload={"row_id": row.id, "token": row.token, "percent": percent},
            run_at=max(at, now()),
            unique_key=f"sla:{row.id}:{row.token}:{percent}",
        )


def next_breach(rows: Sequence[TicketSla]) -> datetime | None:
    dues = [as_utc(r.target_at) for r in rows if r.achieved_at is None and r.target_at]
    return min(dues) if dues else None


def store_next_breach(session: Session, ticket: Ticket, rows: Sequence[TicketSla]) -> None:
    """Written with a Core UPDATE: the SLA column must not bump the ticket's version."""
    value = next_breach(rows)
    session.execute(
        update(_TICKETS).where(_TICKETS.c.id == ticket.id).values(sla_next_breach_at=value)
    )
    set_committed_value(ticket, "sla_next_breach_at", value)
