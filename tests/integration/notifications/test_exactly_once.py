"""Exactly-once in effect: the worker dies between the SMTP DATA and "sent", many times;
the SMTP server, deduplicating on Message-ID, sees every message once and none missing."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from csops import clock
from csops.db import session_scope
from csops.domains.notifications import jobs, service
from csops.domains.notifications.models import OutboxItem, OutboxStatus
from csops.jobs.runtime import claim, run_one
from tests.integration.notifications.sinks import SmtpSink

HERE = Path(__file__).parent


class Crash(BaseException):
    """Stands for the process dying: nothing in the runtime catches it."""


def _write_items(engine: Engine, count: int) -> set[str]:
    with session_scope(engine) as session:
        items = [
            service.notify(
                session,
                event_key=f"eo-{n}",
                kind="test",
                template="generic",
                context={"subject": f"Message {n}", "body": "x"},
                address=f"rcpt{n}@example.test",
            )[0]
            for n in range(count)
        ]
        return {i.message_id for i in items}


def _sent(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxItem)
                .where(OutboxItem.status == OutboxStatus.sent)
            )
            or 0
        )


def test_crash_after_data_many_times(fresh_engine: Engine, smtp: SmtpSink) -> None:
    expected = _write_items(fresh_engine, 30)
    rng = random.Random(7)
    crashes = 0

    def maybe_crash(item: OutboxItem) -> None:
        if rng.random() < 0.5:
            raise Crash

    jobs.after_send = maybe_crash
    at = clock.now()
    try:
        for _ in range(400):
            with clock.frozen(at):
                ids = claim(fresh_engine, "w1", 1)
                if not ids:
                    break
                try:
                    run_one(fresh_engine, ids[0], "w1")
                except Crash:
                    crashes += 1
                    at += timedelta(minutes=2)  # past the lease: the job is claimable again
    finally:
        jobs.after_send = None
    unique = smtp.unique()
    assert crashes >= 8
    assert len(smtp.received) == 30 + crashes  # every crash re-sent one message...
    assert set(unique) == expected  # ...yet by Message-ID: none lost, none doubled
    assert _sent(fresh_engine) == 30


def test_sigkilled_worker_process(fresh_engine: Engine, smtp: SmtpSink, tmp_path: Path) -> None:
    if fresh_engine.dialect.name == "sqlite":
        pytest.skip("one multi-process run is enough; PostgreSQL is the multi-worker backend")
    expected = _write_items(fresh_engine, 3)
    env = {
        **os.environ,
        "CSOPS_JOB_LEASE_SECONDS": "1",
        "CSOPS_DATA_DIR": str(tmp_path),
        "CSOPS_SMTP_HOST": "127.0.0.1",
        "CSOPS_SMTP_PORT": str(smtp.port),
        "PYTHONPATH": os.pathsep.join([str(HERE.parents[2]), os.environ.get("PYTHONPATH", "")]),
    }
    url = fresh_engine.url.render_as_string(hide_password=False)
    kills = 0
    deadline = time.monotonic() + 60
    seed = 0
    while _sent(fresh_engine) < 3:
        assert time.monotonic() < deadline, "deliveries did not finish"
        seed += 1
        proc = subprocess.run(
            [sys.executable, str(HERE / "outbox_worker_proc.py"), url, "0", str(seed)],
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
        )
        if proc.returncode == -9:
            kills += 1
            time.sleep(1.05)  # let the lease of the killed worker expire
        else:
            assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert kills == 2
    assert len(smtp.received) >= 3 + kills
    assert set(smtp.unique()) == expected
