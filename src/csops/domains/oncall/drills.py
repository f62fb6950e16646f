"""Unannounced drills: a real page (marked as a drill) at a chosen or random time.

The result (seconds to acknowledge, seconds to join, levels reached) is written on the
drill row by the page's acknowledge/join (pages._drill_progress); the maturity assessment
reads `results()`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.models import Service, Team
from csops.domains.oncall import pages
from csops.domains.oncall.models import Drill, DrillStatus
from csops.domains.oncall.schemas import DrillIn
from csops.errors import Conflict, Invalid, NotFound
from csops.jobs.queue import enqueue

START_JOB = "oncall.drill_start"


def schedule_drill(
    session: Session, *, data: DrillIn, created_by_id: int | None, rng: random.Random | None = None
) -> Drill:
    team = session.get(Team, data.team_id)
    if team is None:
        raise Invalid("unknown team")
    if data.service_id is not None and session.get(Service, data.service_id) is None:
        raise Invalid("unknown service")
    if data.at is not None:
        at = data.at
    else:
        assert data.window_start is not None and data.window_end is not None  # noqa: S101
        span = (data.window_end - data.window_start).total_seconds()
        chooser = rng or random.SystemRandom()
        at = data.window_start + timedelta(seconds=int(chooser.uniform(0, span)))
    drill = Drill(
        team_id=team.id,
        service_id=data.service_id,
        title=data.title or f"Drill: {team.name} on-call response",
        status=DrillStatus.scheduled,
        scheduled_for=at,
        created_by_id=created_by_id,
    )
    session.add(drill)
    session.flush()
    enqueue(
        session,
        kind=START_JOB,
        payload={"drill_id": drill.id},
        run_at=at,
        unique_key=f"{START_JOB}:{drill.id}",
    )
    return drill


def get_drill(session: Session, drill_id: int) -> Drill:
    drill = session.get(Drill, drill_id)
    if drill is None:
        raise NotFound("drill not found")
    return drill


def start_drill(session: Session, *, drill_id: int) -> Drill | None:
    """Job handler: page the team (idempotent; a cancelled or started drill is left alone)."""
    drill = session.get(Drill, drill_id)
    if drill is None or drill.status != DrillStatus.scheduled:
        return None
    page = pages.create_or_coalesce(
        session,
        title=f"[DRILL] {drill.title}",
        dedup_key=f"drill:{drill.id}",
        service_id=drill.service_id,
        team_id=drill.team_id,
        incident_id=None,
        source="drill",
        details="This is a drill: acknowledge it and join as you would for a real incident.",
        drill=True,
    )
    drill.page_id = page.id
    drill.started_at = page.created_at
    drill.status = DrillStatus.running
    session.flush()
    return drill


def cancel_drill(session: Session, *, drill_id: int) -> Drill:
    drill = get_drill(session, drill_id)
    if drill.status != DrillStatus.scheduled:
        raise Conflict("only a drill that has not started can be cancelled")
    drill.status = DrillStatus.cancelled
    session.flush()
    return drill


def list_drills(session: Session, *, team_id: int | None = None) -> Sequence[Drill]:
    query = select(Drill).order_by(Drill.scheduled_for.desc(), Drill.id.desc())
    if team_id is not None:
        query = query.where(Drill.team_id == team_id)
    return session.scalars(query.limit(500)).all()


def results(session: Session, *, team_id: int | None = None) -> list[dict[str, object]]:
    """Finished drills as plain rows, for the maturity assessment."""
    return [
        {
            "drill_id": d.id,
            "team_id": d.team_id,
            "started_at": d.started_at,
            "seconds_to_ack": d.seconds_to_ack,
            "seconds_to_join": d.seconds_to_join,
            "levels_reached": d.levels_reached,
            "acknowledged": d.acknowledged_at is not None,
            "joined": d.joined_at is not None,
        }
        for d in list_drills(session, team_id=team_id)
        if d.status in (DrillStatus.running, DrillStatus.completed)
        and d.started_at is not None
        and d.started_at <= now()
    ]
