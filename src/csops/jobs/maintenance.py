"""Built-in housekeeping: the hourly "maintenance.prune" job and its pruner table.

Pruning is generic: a domain registers `pruner(session, now) -> rows deleted` with
`register_pruner()` (from its own `jobs.py`), and the one hourly job runs them all in
its transaction. The runner's own pruner deletes succeeded jobs older than a week;
dead jobs stay for inspection.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from csops.clock import now
from csops.jobs.models import Job, JobState
from csops.jobs.registry import job
from csops.jobs.schedule import register_schedule

log = logging.getLogger("csops.jobs")

PRUNE_KIND = "maintenance.prune"
SUCCEEDED_JOB_RETENTION = timedelta(days=7)

Pruner = Callable[[Session, datetime], int]

_PRUNERS: dict[str, Pruner] = {}


def register_pruner(name: str, pruner: Pruner) -> None:
    """Have the hourly prune job call `pruner(session, now)`; it returns rows deleted."""
    _PRUNERS[name] = pruner


def prune_succeeded_jobs(session: Session, at: datetime) -> int:
    result = session.execute(
        delete(Job)
        .where(Job.state == JobState.succeeded, Job.finished_at < at - SUCCEEDED_JOB_RETENTION)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


@job(PRUNE_KIND)
def prune(session: Session, payload: dict[str, Any]) -> None:
    at = now()
    for name in sorted(_PRUNERS):
        deleted = _PRUNERS[name](session, at)
        if deleted:
            log.info("prune %s: deleted %d rows", name, deleted)


register_pruner("jobs.succeeded", prune_succeeded_jobs)
register_schedule(PRUNE_KIND, "0 * * * *", PRUNE_KIND)
