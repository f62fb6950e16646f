"""Background jobs: cluster one new ticket and run spike detection for its keys; and the
hourly batch repair of the last day's clusters (drift in the streaming assignment)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.signals.detection import process_ticket
from csops.domains.signals.repair import recluster_recent
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
