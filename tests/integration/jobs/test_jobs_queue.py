"""enqueue(): the transactional outbox and unique keys, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from csops.db import session_scope
from csops.jobs.models import Job, JobState
from csops.jobs.queue import enqueue


def count_jobs(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Job)) or 0)


class Boom(Exception):
    pass


def test_rolled_back_transaction_leaves_no_job_and_commit_leaves_one(
    fresh_engine: Engine,
) -> None:
    with pytest.raises(Boom), session_scope(fresh_engine) as session:
        job = enqueue(session, kind="test.record", payload={"ticket_id": 1})
        assert job is not None and job.id is not None  # flushed inside the transaction
        raise Boom
    with session_scope(fresh_engine) as session:
        assert count_jobs(session) == 0

    with session_scope(fresh_engine) as session:
        enqueue(session, kind="test.record", payload={"ticket_id": 2}, priority=3)
    with session_scope(fresh_engine) as session:
        jobs = session.scalars(select(Job)).all()
        assert len(jobs) == 1
        assert jobs[0].payload == {"ticket_id": 2}
        assert jobs[0].state == JobState.queued
        assert (jobs[0].priority, jobs[0].attempts, jobs[0].max_attempts) == (3, 0, 5)


def test_unique_key_returns_none_for_a_duplicate(db: Session) -> None:
    first = enqueue(db, kind="test.record", payload={}, unique_key="ticket-7-reminder")
    second = enqueue(db, kind="test.record", payload={}, unique_key="ticket-7-reminder")
    assert first is not None
    assert second is None
    assert count_jobs(db) == 1


def test_duplicate_caught_by_the_database_keeps_the_callers_transaction(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    enqueue(db, kind="test.record", payload={}, unique_key="k")
    # A twin committed between our look and our insert: only the savepoint fails.
    monkeypatch.setattr(db, "scalar", lambda *args, **kwargs: None)
    assert enqueue(db, kind="test.record", payload={}, unique_key="k") is None
    monkeypatch.undo()
    assert enqueue(db, kind="test.record", payload={"after": True}) is not None
    assert count_jobs(db) == 2


def test_max_attempts_must_be_positive(db: Session) -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        enqueue(db, kind="test.record", payload={}, max_attempts=0)
