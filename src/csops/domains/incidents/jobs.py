"""Background work of the incidents domain."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.domains.incidents import loop
from csops.jobs.registry import job

DELIVER_JOB = "incidents.deliver"


@job(DELIVER_JOB)
def deliver(session: Session, payload: dict[str, Any]) -> None:
    """Carry one incident update to every linked ticket (idempotent per update and ticket)."""
    loop.deliver_update(session, update_id=int(payload["update_id"]))
