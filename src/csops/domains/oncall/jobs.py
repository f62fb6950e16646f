"""Job handlers of the oncall domain (idempotent; stale timers do nothing)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.domains.oncall import drills, pages
from csops.jobs.registry import job


@job(pages.ESCALATE_JOB)
def escalate_page(session: Session, payload: dict[str, Any]) -> None:
    pages.escalate(session, page_id=int(payload["page_id"]), token=str(payload["token"]))


@job(drills.START_JOB)
def start_drill(session: Session, payload: dict[str, Any]) -> None:
    drills.start_drill(session, drill_id=int(payload["drill_id"]))
