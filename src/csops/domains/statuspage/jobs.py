"""Background work of the status page: telling subscribers."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.domains.statuspage import subscriptions
from csops.jobs.registry import job


@job("statuspage.fanout")
def fanout(session: Session, payload: dict[str, Any]) -> None:
    subscriptions.fanout(session, update_id=int(payload["update_id"]))


@job(subscriptions.WEBHOOK_JOB)
def webhook(session: Session, payload: dict[str, Any]) -> None:
    subscriptions.call_webhook(
        session, update_id=int(payload["update_id"]), subscriber_id=int(payload["subscriber_id"])
    )
