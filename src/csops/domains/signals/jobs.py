"""Background jobs: cluster one new ticket and run spike detection for its keys; the hourly
batch repair of the last day's clusters (drift in the streaming assignment); and the daily
consolidation across every active cluster (one problem reported over several days)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.signals.detection import process_ticket
from csops.domains.signals.repair import consolidate_active, recluster_recent
from csops.jobs.registry import job
from csops.jobs.schedule import register_schedule


@job("signals.process_ticket")
def process_ticket_job(session: Session, payload: dict[str, Any]) -> None:
    process_ticket(session, int(payload["ticket_id"]))


@job("signals.recluster")
def recluster_job(session: Session, payload: dict[str, Any]) -> None:
    """Batch repair of the recent window (hourly from cron; also from the CLI)."""
    recluster_recent(session, at=now(), hours=int(payload.get("hours", 24)))


register_schedule("signals.recluster", "17 * * * *", "signals.recluster")


@job("signals.consolidate")
def consolidate_job(session: Session, payload: dict[str, Any]) -> None:
    """Daily merge across all active clusters (once a day: early merges cannot be undone)."""
    consolidate_active(session, at=now())


register_schedule("signals.consolidate", "43 3 * * *", "signals.consolidate")
