"""A worker killed with SIGKILL mid-job loses nothing: another completes the job, once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import jobs_testkit
from sqlalchemy import Engine

from csops.db import session_scope
from csops.jobs.models import Job, JobState
from csops.jobs.queue import enqueue
from csops.jobs.worker import Worker

HERE = Path(__file__).parent


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_killed_worker_job_is_completed_once_by_another(
    fresh_engine: Engine, tmp_path: Path
) -> None:
    marker = tmp_path / "started"
    with session_scope(fresh_engine) as session:
        job = enqueue(
            session,
            kind="test.slow_once",
            payload={"marker": str(marker), "sleep": 120, "tag": "kill"},
        )
        assert job is not None
        job_id = job.id

    env = {**os.environ, "CSOPS_JOB_LEASE_SECONDS": "1", "CSOPS_DATA_DIR": str(tmp_path)}
    url = fresh_engine.url.render_as_string(hide_password=False)
    victim = subprocess.Popen(
        [sys.executable, str(HERE / "jobs_worker_proc.py"), url],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: marker.exists() or victim.poll() is not None, 30, "the job to start")
        assert victim.poll() is None, victim.communicate()[0].decode()
        with session_scope(fresh_engine) as session:
            claimed = session.get(Job, job_id)
            assert claimed is not None
            assert (claimed.state, claimed.locked_by, claimed.attempts) == (
                JobState.running,
                "victim",
                1,
            )
        os.kill(victim.pid, signal.SIGKILL)
        assert victim.wait(timeout=10) == -signal.SIGKILL
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait()

    rescuer = Worker(fresh_engine, worker_id="rescuer", poll_seconds=0.05, discover=False)

    def completed() -> bool:
        rescuer.run_until_idle()
        with session_scope(fresh_engine) as session:
            current = session.get(Job, job_id)
            return current is not None and current.state == JobState.succeeded

    wait_for(completed, 20, "the rescuer to complete the job")
    with session_scope(fresh_engine) as session:
        done = session.get(Job, job_id)
        assert done is not None
        assert done.attempts == 2
        assert done.last_error is None
        assert jobs_testkit.recorded(session, "kill") == 1
        assert jobs_testkit.recorded(session) == 1
