"""claim / run_one / Worker: success, retries with backoff, dead letter, leases, stats."""

from __future__ import annotations

import time
from datetime import timedelta

import jobs_testkit
import pytest
from sqlalchemy import Engine, select

from csops.clock import frozen, now
from csops.db import session_scope
from csops.jobs import maintenance, registry
from csops.jobs.models import Job, JobState
from csops.jobs.queue import enqueue
from csops.jobs.runtime import Outcome, backoff_seconds, claim, run_one, stats
from csops.jobs.worker import Worker

pytestmark = pytest.mark.usefixtures("no_schedules")


def add_job(engine: Engine, kind: str, **kwargs: object) -> int:
    with session_scope(engine) as session:
        job = enqueue(session, kind=kind, payload={"tag": kind}, **kwargs)  # type: ignore[arg-type]
        assert job is not None
        return job.id


def load(engine: Engine, job_id: int) -> Job:
    with session_scope(engine) as session:
        job = session.get(Job, job_id)
        assert job is not None
        session.expunge(job)
        return job


def recorded(engine: Engine) -> int:
    with session_scope(engine) as session:
        return jobs_testkit.recorded(session)


def worker(engine: Engine, name: str = "w1", **kwargs: object) -> Worker:
    return Worker(engine, worker_id=name, poll_seconds=0.01, discover=False, **kwargs)  # type: ignore[arg-type]


def test_success_marks_the_job_and_commits_the_handlers_work(fresh_engine: Engine) -> None:
    job_id = add_job(fresh_engine, "test.record")
    assert worker(fresh_engine).run_until_idle() == 1
    job = load(fresh_engine, job_id)
    assert job.state == JobState.succeeded
    assert job.attempts == 1
    assert job.finished_at is not None
    assert job.locked_by is None and job.lease_expires_at is None
    assert recorded(fresh_engine) == 1
    assert worker(fresh_engine).run_until_idle() == 0  # nothing runs twice


def test_failures_retry_with_backoff_then_go_dead(fresh_engine: Engine) -> None:
    job_id = add_job(fresh_engine, "test.fail", max_attempts=3)
    started = now()
    assert worker(fresh_engine).run_until_idle() == 1
    job = load(fresh_engine, job_id)
    assert job.state == JobState.queued
    assert job.attempts == 1
    assert job.last_error == "RuntimeError: boom"
    assert job.locked_by is None
    assert started + timedelta(seconds=2) <= job.run_at <= now() + timedelta(seconds=2.6)
    assert worker(fresh_engine).run_until_idle() == 0  # the retry waits for its backoff

    with frozen(now() + timedelta(minutes=10)):
        assert worker(fresh_engine).run_until_idle() == 1
        job = load(fresh_engine, job_id)
        assert (job.state, job.attempts) == (JobState.queued, 2)
        assert job.run_at >= now() + timedelta(seconds=4)
    with frozen(now() + timedelta(minutes=20)):
        assert worker(fresh_engine).run_until_idle() == 1
    job = load(fresh_engine, job_id)
    assert (job.state, job.attempts) == (JobState.dead, 3)
    assert job.finished_at is not None
    assert job.last_error == "RuntimeError: boom"
    assert recorded(fresh_engine) == 0  # each failed attempt's writes were rolled back
    with frozen(now() + timedelta(days=1)):
        assert worker(fresh_engine).run_until_idle() == 0  # dead stays dead


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    for attempts in (1, 2, 5):
        assert 2**attempts <= backoff_seconds(attempts) <= 2**attempts * 1.25
    assert 3600 <= backoff_seconds(40) <= 4500


def test_unknown_kind_goes_dead_with_a_clear_error(fresh_engine: Engine) -> None:
    job_id = add_job(fresh_engine, "no.such.kind")
    assert worker(fresh_engine).run_until_idle() == 1
    job = load(fresh_engine, job_id)
    assert job.state == JobState.dead
    assert job.last_error == "no handler registered for job kind 'no.such.kind'"


def test_claim_takes_due_jobs_by_priority_and_sets_a_lease(fresh_engine: Engine) -> None:
    low = add_job(fresh_engine, "test.record")
    high = add_job(fresh_engine, "test.record", priority=10)
    later = add_job(fresh_engine, "test.record", run_at=now() + timedelta(hours=1))
    before = now()
    assert claim(fresh_engine, "w1", 10, lease_seconds=30) == [high, low]
    assert claim(fresh_engine, "w2", 10, lease_seconds=30) == []  # leased, not free
    job = load(fresh_engine, high)
    assert job.state == JobState.running
    assert (job.locked_by, job.attempts) == ("w1", 1)
    assert job.lease_expires_at is not None
    assert before + timedelta(seconds=29) < job.lease_expires_at <= now() + timedelta(seconds=30)
    assert load(fresh_engine, later).state == JobState.queued
    assert claim(fresh_engine, "w1", 0) == []


def test_a_worker_whose_lease_expired_cannot_complete_the_job(fresh_engine: Engine) -> None:
    job_id = add_job(fresh_engine, "test.record")
    assert claim(fresh_engine, "slow", 1, lease_seconds=5) == [job_id]
    with frozen(now() + timedelta(seconds=6)):
        assert claim(fresh_engine, "fast", 1, lease_seconds=5) == [job_id]
    assert run_one(fresh_engine, job_id, "fast") == Outcome.succeeded
    assert run_one(fresh_engine, job_id, "slow") == Outcome.lost
    job = load(fresh_engine, job_id)
    assert (job.state, job.attempts) == (JobState.succeeded, 2)
    assert recorded(fresh_engine) == 1


def test_lease_lost_during_the_handler_rolls_its_work_back(fresh_engine: Engine) -> None:
    job_id = add_job(fresh_engine, "test.stolen_midway")
    assert claim(fresh_engine, "w1", 1) == [job_id]
    assert run_one(fresh_engine, job_id, "w1") == Outcome.lost
    assert recorded(fresh_engine) == 0
    assert load(fresh_engine, job_id).state == JobState.running  # left for its lease to expire


def test_expired_lease_on_the_last_attempt_goes_dead(fresh_engine: Engine) -> None:
    job_id = add_job(fresh_engine, "test.record", max_attempts=1)
    assert claim(fresh_engine, "died", 1, lease_seconds=5) == [job_id]
    with frozen(now() + timedelta(seconds=6)):
        assert worker(fresh_engine, "w2").run_until_idle() == 1
    job = load(fresh_engine, job_id)
    assert job.state == JobState.dead
    assert job.last_error is not None and "lease expired" in job.last_error
    assert recorded(fresh_engine) == 0


def test_stats_count_jobs_per_state(fresh_engine: Engine) -> None:
    add_job(fresh_engine, "test.record")
    add_job(fresh_engine, "test.fail", max_attempts=1)
    add_job(fresh_engine, "test.record", run_at=now() + timedelta(hours=1))
    worker(fresh_engine).run_until_idle()
    with session_scope(fresh_engine) as session:
        assert stats(session) == {"queued": 1, "running": 0, "succeeded": 1, "dead": 1}


def test_prune_deletes_only_succeeded_jobs_older_than_a_week(fresh_engine: Engine) -> None:
    old, recent, dead = (add_job(fresh_engine, "test.record") for _ in range(3))
    with session_scope(fresh_engine) as session:
        for job_id, state, age in (
            (old, "succeeded", 8),
            (recent, "succeeded", 1),
            (dead, "dead", 30),
        ):
            job = session.get(Job, job_id)
            assert job is not None
            job.state = JobState(state)
            job.finished_at = now() - timedelta(days=age)
    add_job(fresh_engine, maintenance.PRUNE_KIND)
    assert worker(fresh_engine).run_until_idle() == 1
    with session_scope(fresh_engine) as session:
        left = set(session.scalars(select(Job.id).where(Job.kind == "test.record")))
    assert left == {recent, dead}


def test_autodiscover_registers_the_maintenance_job_and_schedule() -> None:
    registry.autodiscover()
    assert registry.get_handler(maintenance.PRUNE_KIND) is maintenance.prune
    with pytest.raises(ValueError, match="already registered"):
        registry.job(maintenance.PRUNE_KIND)(jobs_testkit.record_handler)


def test_worker_in_a_thread_runs_jobs_until_stopped(fresh_engine: Engine) -> None:
    thread, stop = worker(fresh_engine).start_in_thread()
    try:
        job_id = add_job(fresh_engine, "test.record")
        deadline = time.monotonic() + 10
        while load(fresh_engine, job_id).state != JobState.succeeded:
            assert time.monotonic() < deadline, "the threaded worker never ran the job"
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert recorded(fresh_engine) == 1


def test_two_concurrent_workers_run_each_job_exactly_once(fresh_engine: Engine) -> None:
    with session_scope(fresh_engine) as session:
        for n in range(30):
            enqueue(session, kind="test.record", payload={"tag": f"t{n}"})
    threads = [worker(fresh_engine, f"w{n}", concurrency=3).start_in_thread() for n in range(2)]
    try:
        deadline = time.monotonic() + 20
        while True:
            with session_scope(fresh_engine) as session:
                if stats(session)["succeeded"] == 30:
                    break
            assert time.monotonic() < deadline, "workers did not finish"
            time.sleep(0.05)
    finally:
        for thread, stop in threads:
            stop.set()
            thread.join(timeout=5)
    with session_scope(fresh_engine) as session:
        assert jobs_testkit.recorded(session) == 30
        assert all(jobs_testkit.recorded(session, f"t{n}") == 1 for n in range(30))
        assert set(session.scalars(select(Job.attempts))) == {1}
