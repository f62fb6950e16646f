"""The CX view: SLO status per journey and environment, and daily history for charts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import as_utc, now
from csops.domains.journeys import slo
from csops.domains.journeys.models import Environment, Journey, JourneyHealth, JourneyRun, RunStatus
from csops.domains.journeys.service import parse_journey_row
from csops.domains.journeys.spec import Slo
from csops.errors import Invalid


@dataclass
class Cell:
    environment: str
    status: slo.SloStatus
    last_status: str | None
    streak: int
    days: list[str] = field(default_factory=list)
    success_series: list[float | None] = field(default_factory=list)
    p95_series: list[int | None] = field(default_factory=list)


@dataclass
class Row:
    journey: Journey
    target: Slo
    cells: dict[str, Cell]


def _target(journey: Journey) -> Slo:
    try:
        return parse_journey_row(journey).slo
    except Invalid:  # a stored journey that no longer parses still shows its history
        return Slo()


def overview(session: Session, *, days: int = 7) -> tuple[list[Environment], list[Row]]:
    at = now()
    start = at - timedelta(days=max(days, 1))
    envs = list(session.scalars(select(Environment).order_by(Environment.name)))
    journeys = list(session.scalars(select(Journey).order_by(Journey.name)))
    samples: dict[tuple[int, int], list[slo.Sample]] = defaultdict(list)
    query = select(
        JourneyRun.journey_id,
        JourneyRun.environment_id,
        JourneyRun.started_at,
        JourneyRun.status,
        JourneyRun.duration_ms,
    ).where(JourneyRun.started_at >= start - timedelta(days=90))
    for jid, eid, started, run_status, ms in session.execute(query):
        samples[(jid, eid)].append(slo.Sample(as_utc(started), run_status == RunStatus.passed, ms))
    health = {(h.journey_id, h.environment_id): h for h in session.scalars(select(JourneyHealth))}
    rows = []
    for journey in journeys:
        target = _target(journey)
        cells = {}
        for env in envs:
            data = samples.get((journey.id, env.id), [])
            if not data:
                continue
            status = slo.evaluate(
                data,
                now=at,
                window=timedelta(days=target.window_days),
                target_success=target.success,
                target_p95_ms=target.p95_ms,
            )
            h = health.get((journey.id, env.id))
            cell = Cell(
                env.name, status, h.last_status if h else None, h.consecutive_failures if h else 0
            )
            _series(cell, data, at, days)
            cells[env.name] = cell
        rows.append(Row(journey, target, cells))
    return envs, rows


def _series(cell: Cell, data: list[slo.Sample], at: Any, days: int) -> None:
    for back in range(days - 1, -1, -1):
        day_end = at - timedelta(days=back)
        day = [s for s in data if day_end - timedelta(days=1) < s.at <= day_end]
        cell.days.append(day_end.strftime("%m-%d"))
        cell.success_series.append(
            round(100 * sum(s.passed for s in day) / len(day), 1) if day else None
        )
        cell.p95_series.append(slo.p95([s.duration_ms for s in day]))


def summary(session: Session) -> list[dict[str, Any]]:
    """The overview as plain data (API)."""
    _envs, rows = overview(session)
    out = []
    for row in rows:
        for env, cell in row.cells.items():
            s = cell.status
            out.append(
                {
                    "journey": row.journey.name,
                    "environment": env,
                    "runs": s.runs,
                    "success": s.success,
                    "p95_ms": s.p95_ms,
                    "target_success": s.target_success,
                    "target_p95_ms": s.target_p95_ms,
                    "budget_burn": s.budget_burn,
                    "budget_left": s.budget_left,
                    "met": s.met,
                    "last_status": cell.last_status,
                    "failing_streak": cell.streak,
                }
            )
    return out
