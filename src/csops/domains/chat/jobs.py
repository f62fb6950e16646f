"""The chat's follow-up timer (planned at chat start; stale once an agent answered)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.domains.chat import service
from csops.jobs.registry import job


@job(service.FOLLOWUP_JOB)
def followup(session: Session, payload: dict[str, Any]) -> None:
    service.offer_followup(
        session, chat_id=int(payload["chat_id"]), token=str(payload.get("token", ""))
    )
