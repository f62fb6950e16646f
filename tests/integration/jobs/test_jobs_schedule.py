"""Cron schedules: sync into job_schedules, enqueue each due run exactly once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, update

from csops.clock import frozen
from csops.db import session_scope
from csops.jobs import maintenance, schedule
from csops.jobs.models import Job, JobSchedule
from csops.jobs.schedule import enqueue_due, next_run, registered_schedules, sync_schedules

Register = Callable[[str, str, str], None]
T0 = datetime(2030, 5, 1, 12, 0, 30, tzinfo=UTC)


def schedules(engine: Engine) -> dict[str, tuple[str, str, datetime]]:
    with session_scope(engine) as session:
        rows = session.scalars(select(JobSchedule)).all()
        return {row.name: (row.cron, row.kind, row.next_run_at) for row in rows}


def job_keys(engine: Engine) -> list[str | None]:
    with session_scope(engine) as session:
        return list(session.scalars(select(Job.unique_key).order_by(Job.id)))


def sync(engine: Engine) -> None:
    with session_scope(engine) as session:
        sync_schedules(session)


def test_prune_is_scheduled_hourly() -> None:
    entry = {s.name: s for s in registered_schedules()}[maintenance.PRUNE_KIND]
    assert entry.kind == maintenance.PRUNE_KIND
    assert next_run(entry.cron, T0) == datetime(2030, 5, 1, 13, 0, tzinfo=UTC)


def test_sync_upserts_updates_and_drops(fresh_engine: Engine, temp_schedule: Register) -> None:
    temp_schedule("test.minutely", "* * * * *", "test.record")
    with frozen(T0):
        sync(fresh_engine)
        sync(fresh_engine)  # idempotent
    rows = schedules(fresh_engine)
    assert rows["test.minutely"] == ("* * * * *", "test.record", T0.replace(minute=1, second=0))
    assert maintenance.PRUNE_KIND in rows

    temp_schedule("test.minutely", "*/5 * * * *", "test.record")
    with frozen(T0):
        sync(fresh_engine)
    assert schedules(fresh_engine)["test.minutely"][0:3] == (
        "*/5 * * * *",
        "test.record",
        T0.replace(minute=5, second=0),
    )

    del schedule._SCHEDULES["test.minutely"]
    sync(fresh_engine)
    assert "test.minutely" not in schedules(fresh_engine)


def test_invalid_cron_is_refused(temp_schedule: Register) -> None:
    with pytest.raises(ValueError, match="invalid cron"):
        temp_schedule("test.bad", "every tuesday", "test.record")


def test_enqueue_due_twice_at_the_same_time_enqueues_once(
    fresh_engine: Engine, temp_schedule: Register
) -> None:
    temp_schedule("test.minutely", "* * * * *", "test.record")
    with frozen(T0):
        sync(fresh_engine)
    due = T0.replace(minute=1, second=0)
    with frozen(T0 + timedelta(seconds=10)):
        assert enqueue_due(fresh_engine) == 0  # not due yet
    with frozen(due + timedelta(seconds=5)):
        assert enqueue_due(fresh_engine) == 1
        assert enqueue_due(fresh_engine) == 0
    assert job_keys(fresh_engine) == [f"test.minutely@{due.isoformat()}"]
    assert schedules(fresh_engine)["test.minutely"][2] == due + timedelta(minutes=1)

    # A worker that read the schedule before it advanced cannot add a twin either.
    with session_scope(fresh_engine) as session:
        session.execute(
            update(JobSchedule).where(JobSchedule.name == "test.minutely").values(next_run_at=due)
        )
    with frozen(due + timedelta(seconds=6)):
        assert enqueue_due(fresh_engine) == 0
    assert len(job_keys(fresh_engine)) == 1

    # Runs missed while no worker was up collapse into one.
    with frozen(due + timedelta(minutes=30, seconds=1)):
        assert enqueue_due(fresh_engine) == 1
    assert len(job_keys(fresh_engine)) == 2
    assert schedules(fresh_engine)["test.minutely"][2] == due + timedelta(minutes=31)
