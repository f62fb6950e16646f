"""Feedback jobs: follow-up due checks, and the daily NPS round."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.config import get_settings
from csops.domains.feedback import followups, nps
from csops.jobs.registry import job
from csops.jobs.schedule import register_schedule

NPS_JOB = "feedback.nps_due"


@job(followups.DUE_JOB)
def followup_due(session: Session, payload: dict[str, Any]) -> None:
    followups.check_due(session, int(payload["followup_id"]))


@job(NPS_JOB)
def nps_due(session: Session, payload: dict[str, Any]) -> None:
    nps.send_due(session)


register_schedule("feedback.nps", get_settings().nps_cron, NPS_JOB)
