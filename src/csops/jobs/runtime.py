"""Claim, run, retry: the heart of the DB-backed job runner (DESIGN.md, convention 5).

Claiming is one statement: `UPDATE jobs ... WHERE id IN (SELECT ... LIMIT n) RETURNING id`.
On PostgreSQL the inner SELECT takes `FOR UPDATE SKIP LOCKED`, so any number of workers
claim disjoint jobs; on SQLite (one writer at a time) the same UPDATE is atomic by itself.
A claim sets a lease; a queued job whose `run_at` has come, or a running job whose lease
has expired (its worker died), can be claimed.

`run_one()` runs the handler and marks the job succeeded in the handler's own transaction,
and only if the job is still locked by this worker: a worker whose lease was taken over
rolls its work back instead of completing the job twice. On PostgreSQL the row is also
locked `FOR UPDATE` while the handler runs, so a live worker keeps its job however long
it takes; when the worker dies its connection closes, the lock goes, the lease expires
and another worker takes the job. Failures are retried with exponential backoff and
jitter; after `max_attempts` the job is dead (the dead-letter state).
"""

from __future__ import annotations

import enum
import logging
import random
from datetime import timedelta

from sqlalchemy import Engine, and_, func, or_, select, update
from sqlalchemy.orm import Session

from csops.clock import now
from csops.config import get_settings
from csops.db import session_scope
from csops.jobs.models import Job, JobState
from csops.jobs.registry import get_handler

log = logging.getLogger("csops.jobs")

BACKOFF_CAP_SECONDS = 3600.0
MAX_ERROR_CHARS = 1000


class Outcome(enum.StrEnum):
    succeeded = "succeeded"
    retry = "retry"
    dead = "dead"
    lost = "lost"  # not (or no longer) locked by this worker: someone else has it


class _LeaseLost(Exception):
    pass


def backoff_seconds(attempts: int) -> float:
    """2**attempts seconds plus up to 25 % jitter, capped at an hour."""
    base = min(BACKOFF_CAP_SECONDS, 2.0 ** min(attempts, 32))
    return base + base * 0.25 * random.random()  # noqa: S311  (jitter, not cryptography)


def claim(
    engine: Engine, worker_id: str, limit: int, *, lease_seconds: float | None = None
) -> list[int]:
    """Lease up to `limit` due jobs to `worker_id`; return their ids, highest priority first."""
    if limit < 1:
        return []
    lease = lease_seconds if lease_seconds is not None else get_settings().job_lease_seconds
    at = now()
    claimable = or_(
        and_(Job.state == JobState.queued, Job.run_at <= at),
        and_(Job.state == JobState.running, Job.lease_expires_at < at),
    )
    with engine.connect() as conn:  # an idle poll reads; it takes no write lock on SQLite
        if conn.scalar(select(Job.id).where(claimable).limit(1)) is None:
            return []
    due = (
        select(Job.id)
        .where(claimable)
        .order_by(Job.priority.desc(), Job.run_at, Job.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite renders no locking clause
    )
    statement = (
        update(Job)
        .where(Job.id.in_(due.scalar_subquery()))
        .values(
            state=JobState.running,
            locked_by=worker_id,
            lease_expires_at=at + timedelta(seconds=lease),
            attempts=Job.attempts + 1,
        )
        .returning(Job.id, Job.priority, Job.run_at)
    )
    with engine.begin() as conn:
        rows = conn.execute(statement).all()
    ordered = sorted(rows, key=lambda row: (-row.priority, row.run_at, row.id))
    return [row.id for row in ordered]


def run_one(engine: Engine, job_id: int, worker_id: str) -> Outcome:
    """Run a claimed job's handler in its own transaction and record what happened."""
    try:
        with session_scope(engine) as session:
            return _run_in(session, job_id, worker_id)
    except _LeaseLost:
        log.warning("job %s: lease lost before completion; work rolled back", job_id)
        return Outcome.lost
    except Exception as exc:  # noqa: BLE001  (any handler failure is recorded and retried)
        return _record_failure(engine, job_id, worker_id, exc)


def _run_in(session: Session, job_id: int, worker_id: str) -> Outcome:
    job = session.get(Job, job_id, with_for_update=True)
    if job is None or job.state != JobState.running or job.locked_by != worker_id:
        log.info("job %s: not held by %s any more; skipped", job_id, worker_id)
        return Outcome.lost
    if job.attempts > job.max_attempts:
        _bury(job, f"lease expired on the last of {job.max_attempts} attempts")
        log.error("job %s (%s): dead after its worker stopped mid-run", job_id, job.kind)
        return Outcome.dead
    handler = get_handler(job.kind)
    if handler is None:
        _bury(job, f"no handler registered for job kind {job.kind!r}")
        log.error("job %s: unknown kind %r; dead", job_id, job.kind)
        return Outcome.dead
    kind, attempts = job.kind, job.attempts
    handler(session, dict(job.payload))
    session.flush()
    done = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.locked_by == worker_id, Job.state == JobState.running)
        .values(
            state=JobState.succeeded,
            finished_at=now(),
            locked_by=None,
            lease_expires_at=None,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise _LeaseLost
    log.debug("job %s (%s) succeeded on attempt %d", job_id, kind, attempts)
    return Outcome.succeeded


def _bury(job: Job, error: str) -> None:
    job.state = JobState.dead
    job.last_error = error
    job.finished_at = now()
    job.locked_by = None
    job.lease_expires_at = None


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text[:MAX_ERROR_CHARS]


def _record_failure(engine: Engine, job_id: int, worker_id: str, exc: Exception) -> Outcome:
    with session_scope(engine) as session:
        job = session.get(Job, job_id, with_for_update=True)
        if job is None or job.state != JobState.running or job.locked_by != worker_id:
            log.warning("job %s: failed after its lease was lost (%s)", job_id, type(exc).__name__)
            return Outcome.lost
        job.last_error = _describe(exc)
        if job.attempts >= job.max_attempts:
            _bury(job, job.last_error)
            log.error(
                "job %s (%s) dead after %d attempts: %s",
                job_id,
                job.kind,
                job.attempts,
                type(exc).__name__,
            )
            return Outcome.dead
        delay = backoff_seconds(job.attempts)
        job.state = JobState.queued
        job.run_at = now() + timedelta(seconds=delay)
        job.locked_by = None
        job.lease_expires_at = None
        log.warning(
            "job %s (%s) failed on attempt %d (%s); retry in %.0f s",
            job_id,
            job.kind,
            job.attempts,
            type(exc).__name__,
            delay,
        )
        return Outcome.retry


def stats(session: Session) -> dict[str, int]:
    """Number of jobs in each state (every state present, zero included), for /metrics."""
    counts = {state.value: 0 for state in JobState}
    rows = session.execute(select(Job.state, func.count()).group_by(Job.state)).all()
    for state, count in rows:
        counts[JobState(state).value] = int(count)
    return counts
