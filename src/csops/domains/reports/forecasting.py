"""Ticket-volume forecasts per queue (team): daily history from `ticket_facts`, the forecast
from `csops.engine.forecast`, and the staffing it implies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.reports.durations import day_bucket
from csops.domains.reports.models import TicketFact
from csops.domains.reports.periods import day_keys
from csops.domains.reports.service import require_staff
from csops.engine import forecast as engine
from csops.errors import Invalid

HISTORY_DAYS = 182
HORIZONS = (7, 28)


@dataclass
class QueueForecast:
    team_id: int | None
    history_days: list[str]
    history: list[float]
    days: list[str]
    forecast: engine.Forecast
    agents: list[float]


def daily_history(
    session: Session, *, team_id: int | None, end: datetime, days: int = HISTORY_DAYS
) -> tuple[list[str], list[float]]:
    """Tickets created per UTC day over the `days` full days before `end` (zeros kept)."""
    last_midnight = end.replace(hour=0, minute=0, second=0, microsecond=0)
    start = last_midnight - timedelta(days=days)
    where = [TicketFact.created_at >= start, TicketFact.created_at < last_midnight]
    if team_id is not None:
        where.append(TicketFact.team_id == team_id)
    day = day_bucket(session, TicketFact.created_at)
    counts = {
        str(k): float(n)
        for k, n in session.execute(
            select(day, func.count()).select_from(TicketFact).where(*where).group_by(day)
        )
    }
    labels = day_keys(start, days)
    first = next((i for i, label in enumerate(labels) if label in counts), len(labels))
    labels = labels[first:]  # a queue that started recently has no history before
    return labels, [counts.get(label, 0.0) for label in labels]


def queue_forecast(
    session: Session,
    *,
    actor: Actor,
    team_id: int | None,
    horizon: int,
    handle_minutes: float,
    hours_per_agent: float,
    occupancy: float,
    level: float = 0.8,
) -> QueueForecast:
    require_staff(actor)
    if horizon not in HORIZONS:
        raise Invalid("the horizon is 7 or 28 days")
    try:
        engine.agents_needed(
            1, handle_minutes=handle_minutes, hours_per_agent=hours_per_agent, occupancy=occupancy
        )
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    end = now()
    labels, history = daily_history(session, team_id=team_id, end=end)
    fc = engine.forecast(history, horizon, level)
    today = end.replace(hour=0, minute=0, second=0, microsecond=0)  # history stops before it
    days = day_keys(today, horizon)
    agents = [
        round(
            engine.agents_needed(
                v,
                handle_minutes=handle_minutes,
                hours_per_agent=hours_per_agent,
                occupancy=occupancy,
            ),
            1,
        )
        for v in fc.mean
    ]
    return QueueForecast(team_id, labels, history, days, fc, agents)
