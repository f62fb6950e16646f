"""The worker loop: enqueue due schedules, claim jobs, run them, sleep when idle.

`csops serve` embeds one (`start_in_thread()`); `csops worker` runs `run_forever()`;
tests and the CLI use `run_until_idle()`. On SQLite there is one writer, so a worker
runs one job at a time whatever `concurrency` says; on PostgreSQL `concurrency` jobs run
in threads and any number of workers may run on any number of machines.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine

from csops.config import get_settings
from csops.db import session_scope
from csops.jobs.registry import autodiscover
from csops.jobs.runtime import Outcome, claim, run_one
from csops.jobs.schedule import enqueue_due, sync_schedules

log = logging.getLogger("csops.jobs")

SQLITE_YIELD_SECONDS = 0.02
MAX_ERROR_BACKOFF_SECONDS = 30.0


def default_worker_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(
        self,
        engine: Engine,
        worker_id: str | None = None,
        poll_seconds: float | None = None,
        concurrency: int = 1,
        *,
        lease_seconds: float | None = None,
        discover: bool = True,
    ) -> None:
        settings = get_settings()
        self.engine = engine
        self.worker_id = worker_id or default_worker_id()
        self.poll_seconds = settings.worker_poll_seconds if poll_seconds is None else poll_seconds
        self.lease_seconds = lease_seconds
        self.concurrency = max(1, concurrency)
        # On SQLite the worker shares the one connection with the web requests: after each
        # busy tick it steps aside briefly, so a backlog of jobs cannot starve the pages.
        self.yield_seconds = SQLITE_YIELD_SECONDS if engine.dialect.name == "sqlite" else 0.0
        if engine.dialect.name == "sqlite" and self.concurrency > 1:
            log.info("SQLite has one writer: worker concurrency reduced to 1")
            self.concurrency = 1
        self._synced = False
        if discover:
            autodiscover()

    def _sync(self) -> None:
        if not self._synced:
            with session_scope(self.engine) as session:
                sync_schedules(session)
            self._synced = True

    def tick(self, pool: ThreadPoolExecutor | None = None) -> int:
        """Enqueue due schedules, claim one batch and run it; return the jobs run."""
        self._sync()
        enqueue_due(self.engine)
        ids = claim(self.engine, self.worker_id, self.concurrency, lease_seconds=self.lease_seconds)
        if pool is None or len(ids) < 2:
            for job_id in ids:
                self._run(job_id)
        else:
            list(pool.map(self._run, ids))
        return len(ids)

    def _run(self, job_id: int) -> Outcome:
        return run_one(self.engine, job_id, self.worker_id)

    def run_until_idle(self, max_jobs: int | None = None) -> int:
        """Run everything due now (retries wait for their backoff); return jobs run."""
        total = 0
        with self._pool() as pool:
            while max_jobs is None or total < max_jobs:
                ran = self.tick(pool)
                if ran == 0:
                    break
                total += ran
        return total

    def run_forever(self, stop_event: threading.Event) -> None:
        """Work until `stop_event` is set; survives database outages by backing off."""
        log.info("worker %s started (concurrency %d)", self.worker_id, self.concurrency)
        failures = 0
        with self._pool() as pool:
            while not stop_event.is_set():
                try:
                    ran = self.tick(pool)
                    failures = 0
                except Exception:
                    failures += 1
                    delay = min(MAX_ERROR_BACKOFF_SECONDS, self.poll_seconds * 2**failures)
                    log.exception("worker %s: loop failed; retry in %.1f s", self.worker_id, delay)
                    stop_event.wait(delay)
                    continue
                if ran == 0:
                    stop_event.wait(self.poll_seconds)
                elif self.yield_seconds:
                    stop_event.wait(self.yield_seconds)
        log.info("worker %s stopped", self.worker_id)

    def start_in_thread(self) -> tuple[threading.Thread, threading.Event]:
        """Run `run_forever` in a daemon thread; set the event and join to stop it."""
        stop_event = threading.Event()
        thread = threading.Thread(
            target=self.run_forever, args=(stop_event,), name="csops-worker", daemon=True
        )
        thread.start()
        return thread, stop_event

    def _pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="csops-job")
