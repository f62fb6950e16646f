"""Enqueue jobs inside the caller's transaction (transactional outbox).

`enqueue()` only adds and flushes: the job exists when the caller's transaction commits and
vanishes with it on rollback. No commit, no job; commit, exactly one job.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from csops.clock import now
from csops.jobs.models import Job, JobState


def enqueue(
    session: Session,
    *,
    kind: str,
    payload: dict[str, Any],
    run_at: datetime | None = None,
    priority: int = 0,
    max_attempts: int = 5,
    unique_key: str | None = None,
) -> Job | None:
    """Add a job to the caller's transaction; None when `unique_key` already exists.

    Higher `priority` runs first. A `unique_key` stays taken as long as the job row exists
    (whatever its state), so a retried request or a second scheduler cannot add a twin.
    The duplicate check never breaks the caller's transaction: it looks first, then
    inserts under a SAVEPOINT so a concurrent twin only rolls back the savepoint.
    """
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    job = Job(
        kind=kind,
        payload=dict(payload),
        state=JobState.queued,
        run_at=run_at or now(),
        priority=priority,
        attempts=0,
        max_attempts=max_attempts,
        unique_key=unique_key,
    )
    if unique_key is None:
        session.add(job)
        session.flush()
        return job
    if session.scalar(select(Job.id).where(Job.unique_key == unique_key)) is not None:
        return None
    session.flush()  # the caller's own pending rows must not fail inside our savepoint
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError:
        return None
    return job
