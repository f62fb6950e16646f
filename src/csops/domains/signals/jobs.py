"""Background job: cluster one new ticket and run spike detection for its keys."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.domains.signals.detection import process_ticket
from csops.jobs.registry import job


@job("signals.process_ticket")
def process_ticket_job(session: Session, payload: dict[str, Any]) -> None:
    process_ticket(session, int(payload["ticket_id"]))


@job("signals.recluster")
def recluster_job(session: Session, payload: dict[str, Any]) -> None:
    """Periodic batch repair of the recent window (enqueue it from cron or the CLI)."""
    from csops.clock import now
    from csops.domains.signals.state import recluster_recent

    recluster_recent(session, at=now(), hours=int(payload.get("hours", 24)))
