"""Scheduled journeys: one cron entry (every minute) enqueues a run for each environment
whose own schedule is due; the run job executes that environment's journeys, stores the
results, snapshots its configuration probes and looks for drift."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from csops.clock import as_utc, now
from csops.config import get_settings
from csops.db import session_scope
from csops.domains.journeys import drift_store, service
from csops.domains.journeys.models import Environment, Journey, JourneyRun
from csops.domains.journeys.runner import run_all
from csops.jobs.queue import enqueue
from csops.jobs.registry import job
from csops.jobs.schedule import next_run, register_schedule

TICK_JOB = "journeys.tick"
log = logging.getLogger("csops.journeys")
register_schedule("journeys", "* * * * *", TICK_JOB)


@job(TICK_JOB)
def tick(session: Session, payload: dict[str, Any]) -> None:
    at = now()
    for env in session.scalars(select(Environment).where(Environment.schedule.is_not(None))):
        if env.schedule is None:
            continue
        due = as_utc(env.next_run_at) if env.next_run_at else None
        if due is None:
            env.next_run_at = next_run(env.schedule, at)
            continue
        if due > at:
            continue
        env.next_run_at = next_run(env.schedule, at)
        enqueue(
            session,
            kind=service.RUN_JOB,
            payload={"environment_id": env.id, "trigger": "schedule", "probes": True},
            unique_key=f"journeys:{env.id}@{due.isoformat()}",
            max_attempts=1,
        )
    keep = at - timedelta(days=get_settings().journeys_keep_days)
    session.execute(delete(JourneyRun).where(JourneyRun.started_at < keep))


@job(service.RUN_JOB)
def run(session: Session, payload: dict[str, Any]) -> None:
    """Inline (tests, `journeys_background_runs` off) or, by default, in a thread of its
    own: journeys can take a minute (an email round trip) and the job's transaction must
    not hold the database (SQLite's one connection) that long. The thread stores the
    results in a transaction of its own; a run lost to a crash is simply run again at the
    next scheduled time."""
    env = session.get(Environment, int(payload["environment_id"]))
    if env is None:
        return
    names = None
    if payload.get("journey_ids"):
        ids = [int(i) for i in payload["journey_ids"]]
        names = list(session.scalars(select(Journey.name).where(Journey.id.in_(ids))))
    trigger = str(payload.get("trigger", "job"))
    probes = bool(payload.get("probes")) and bool(env.probes)
    if not get_settings().journeys_background_runs:
        service.execute(session, environment=env.name, names=names, trigger=trigger)
        if probes:
            drift_store.take_snapshots(session, env=env)
            drift_store.detect(session)
        return
    loaded = service.load_spec(session)
    session.expunge(env)
    engine = session.get_bind()
    thread = threading.Thread(
        target=_background,
        args=(engine, loaded, env, names, trigger, probes),
        name=f"journeys-{env.name}",
        daemon=True,
    )
    RUNNING.append(thread)
    thread.start()


RUNNING: list[threading.Thread] = []


def _background(
    engine: Any,
    loaded: Any,
    env: Environment,
    names: list[str] | None,
    trigger: str,
    probes: bool,
) -> None:
    try:
        results = asyncio.run(run_all(loaded, env.name, names=names, options=service.run_options()))
        fetched = drift_store.fetch_probes(env) if probes else []
        with session_scope(engine) as session:
            service.store_results(session, results=results, trigger=trigger)
            if probes:
                stored = session.get(Environment, env.id)
                if stored is not None:
                    drift_store.store_fetched(session, env=stored, fetched=fetched)
                    drift_store.detect(session)
    except Exception:  # a background run must never take the worker down; it is logged
        log.exception("journeys run in %s failed", env.name)
    finally:
        if threading.current_thread() in RUNNING:
            RUNNING.remove(threading.current_thread())
