"""Delivery jobs: one job per attempt, retries with exponential backoff, a dead-letter state.

A handler records a failed attempt on the row itself (last_error, next_attempt_at) and
enqueues the next attempt, so the outbox shows every failure; the job runner's own retry
only matters when a worker dies mid-attempt (its lease expires and the job runs again,
which re-sends with the same Message-ID / webhook-id: see service.py, "exactly-once in
effect"). `after_send` is a test seam: called between a successful send and "sent".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.notifications import webhooks
from csops.domains.notifications.delivery import send_item
from csops.domains.notifications.models import OutboxItem, OutboxStatus
from csops.domains.notifications.service import (
    DELIVER_JOB,
    JOB_ATTEMPTS,
    SECRET_KINDS,
    retry_delay,
)
from csops.integrations.ports import PermanentFailure
from csops.jobs.queue import enqueue
from csops.jobs.registry import job

after_send: Callable[[OutboxItem], None] | None = None


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


@job(DELIVER_JOB)
def deliver(session: Session, payload: dict[str, Any]) -> None:
    item = session.get(OutboxItem, int(payload["outbox_id"]), with_for_update=True)
    if item is None or item.status in (OutboxStatus.sent, OutboxStatus.dead):
        return
    # Nothing is written before the send: on SQLite a write would hold the one writer lock
    # for the whole network exchange. The attempt is recorded with its outcome.
    try:
        with session.no_autoflush:
            send_item(session, item)
    except PermanentFailure as exc:
        _fail(session, item, exc, permanent=True)
        return
    except Exception as exc:  # noqa: BLE001  (any transport error is recorded and retried)
        _fail(session, item, exc, permanent=False)
        return
    if after_send is not None:
        after_send(item)
    item.attempts += 1
    item.status = OutboxStatus.sent
    if item.kind in SECRET_KINDS:
        item.body_text = item.body_html = "(removed after delivery)"
    item.sent_at = now()
    item.next_attempt_at = None
    item.last_error = None


def _fail(session: Session, item: OutboxItem, exc: Exception, *, permanent: bool) -> None:
    item.attempts += 1
    item.last_error = _describe(exc)
    if permanent or item.attempts >= item.max_attempts:
        item.status = OutboxStatus.dead
        item.next_attempt_at = None
        return
    item.status = OutboxStatus.failed
    item.next_attempt_at = now() + timedelta(seconds=retry_delay(item.attempts))
    enqueue(
        session,
        kind=DELIVER_JOB,
        payload={"outbox_id": item.id},
        run_at=item.next_attempt_at,
        unique_key=f"ob:{item.id}:{item.attempts}",
        max_attempts=JOB_ATTEMPTS,
    )


@job(webhooks.WEBHOOK_JOB)
def deliver_webhook(session: Session, payload: dict[str, Any]) -> None:
    webhooks.attempt(session, int(payload["delivery_id"]))
