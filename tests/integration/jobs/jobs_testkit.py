"""Test-only job handlers, imported by the tests and by the worker subprocess.

Every side effect is a LiveEvent row written in the handler's transaction, so it commits
exactly when the job is marked succeeded, and not at all when the job fails.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from csops.domains.live.models import LiveEvent
from csops.jobs.models import Job
from csops.jobs.registry import job

TOPIC = "jobs.test"


def record(session: Session, payload: dict[str, Any]) -> None:
    session.add(LiveEvent(topic=TOPIC, payload={"tag": payload.get("tag")}))
    session.flush()


@job("test.record")
def record_handler(session: Session, payload: dict[str, Any]) -> None:
    record(session, payload)


@job("test.fail")
def fail_handler(session: Session, payload: dict[str, Any]) -> None:
    record(session, payload)  # written, then rolled back with the failure
    raise RuntimeError("boom")


@job("test.slow_once")
def slow_once_handler(session: Session, payload: dict[str, Any]) -> None:
    """First run: leave a start marker, then sleep (to be killed). Later runs: finish."""
    marker = Path(payload["marker"])
    if not marker.exists():
        marker.write_text("started")
        time.sleep(float(payload["sleep"]))
    record(session, payload)


@job("test.stolen_midway")
def stolen_midway_handler(session: Session, payload: dict[str, Any]) -> None:
    """Work, then find the job re-leased to another worker before completion."""
    record(session, payload)
    session.execute(update(Job).where(Job.kind == "test.stolen_midway").values(locked_by="thief"))


def recorded(session: Session, tag: str | None = None) -> int:
    query = select(func.count()).select_from(LiveEvent).where(LiveEvent.topic == TOPIC)
    if tag is not None:
        query = query.where(LiveEvent.payload["tag"].as_string() == tag)
    return int(session.scalar(query) or 0)
