"""Cron schedules: an in-code table, mirrored into `job_schedules`, enqueued when due.

`register_schedule()` fills the table at import time (next to the handler it runs).
`sync_schedules()` upserts it into the database and drops rows no longer in code.
`enqueue_due()` advances each due schedule with a compare-and-set on `next_run_at`
(`UPDATE ... WHERE next_run_at = <the value read>`): of two workers that see the same due
run, exactly one advances it and enqueues the job, and the job's unique key
`"<name>@<scheduled time>"` refuses a twin even then. Runs missed while no worker was up
collapse into one run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from croniter import croniter
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from csops.clock import as_utc, now
from csops.db import session_scope
from csops.jobs.models import JobSchedule
from csops.jobs.queue import enqueue

log = logging.getLogger("csops.jobs")


@dataclass(frozen=True)
class ScheduleEntry:
    name: str
    cron: str
    kind: str


_SCHEDULES: dict[str, ScheduleEntry] = {}


def register_schedule(name: str, cron: str, kind: str) -> None:
    """Run a job of `kind` on the cron expression `cron` (UTC), under the unique `name`."""
    if not croniter.is_valid(cron):
        raise ValueError(f"invalid cron expression {cron!r} for schedule {name!r}")
    _SCHEDULES[name] = ScheduleEntry(name=name, cron=cron, kind=kind)


def registered_schedules() -> list[ScheduleEntry]:
    return [_SCHEDULES[name] for name in sorted(_SCHEDULES)]


def next_run(cron: str, after: datetime) -> datetime:
    """The first time strictly after `after` that matches `cron`, in UTC."""
    value = cast(datetime, croniter(cron, as_utc(after)).get_next(datetime))
    return as_utc(value)


def sync_schedules(session: Session) -> None:
    """Upsert the in-code table into `job_schedules`; safe for workers starting together."""
    at = now()
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for entry in registered_schedules():
        values: dict[str, Any] = {
            "name": entry.name,
            "cron": entry.cron,
            "kind": entry.kind,
            "next_run_at": next_run(entry.cron, at),
        }
        session.execute(insert(JobSchedule).values(**values).on_conflict_do_nothing())
        session.execute(
            update(JobSchedule)
            .where(
                JobSchedule.name == entry.name,
                (JobSchedule.cron != entry.cron) | (JobSchedule.kind != entry.kind),
            )
            .values(cron=entry.cron, kind=entry.kind, next_run_at=values["next_run_at"])
            .execution_options(synchronize_session=False)
        )
    session.execute(
        delete(JobSchedule)
        .where(JobSchedule.name.not_in(list(_SCHEDULES)))
        .execution_options(synchronize_session=False)
    )
    session.flush()


def enqueue_due(engine: Engine) -> int:
    """Enqueue one job for every schedule that is due now; return how many were enqueued."""
    at = now()
    enqueued = 0
    with session_scope(engine) as session:
        due = session.execute(
            select(JobSchedule.name, JobSchedule.cron, JobSchedule.kind, JobSchedule.next_run_at)
            .where(JobSchedule.next_run_at <= at)
            .order_by(JobSchedule.name)
        ).all()
        for name, cron, kind, scheduled in due:
            advanced = session.execute(
                update(JobSchedule)
                .where(JobSchedule.name == name, JobSchedule.next_run_at == scheduled)
                .values(next_run_at=next_run(cron, at), last_run_at=scheduled)
                .execution_options(synchronize_session=False)
            )
            if advanced.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another worker advanced it first
            scheduled_for = as_utc(scheduled).isoformat()
            job = enqueue(
                session,
                kind=kind,
                payload={"schedule": name, "scheduled_for": scheduled_for},
                run_at=at,
                unique_key=f"{name}@{scheduled_for}",
            )
            if job is not None:
                enqueued += 1
                log.info("schedule %s: enqueued job %s for %s", name, job.id, scheduled_for)
    return enqueued
