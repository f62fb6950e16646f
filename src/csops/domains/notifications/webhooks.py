"""Outgoing webhook subscriptions, events and their delivery log.

Each event makes one WebhookDelivery per matching subscription, with a `webhook-id` derived
from the event key and the subscription: a retry or a manual replay sends the same id, so
a receiver that deduplicates on it (as Standard Webhooks advises) acts once. The URL is
checked by the SSRF guard when saved and again, with the address pinned, at every send.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.notifications.access import require_admin
from csops.domains.notifications.delivery import transports
from csops.domains.notifications.models import (
    OutboxStatus,
    WebhookDelivery,
    WebhookSubscription,
)
from csops.domains.notifications.schemas import WebhookSubscriptionIn
from csops.domains.notifications.service import retry_delay
from csops.errors import Invalid, NotFound
from csops.integrations import netguard
from csops.integrations.webhooks_out import signed_headers
from csops.jobs.queue import enqueue

WEBHOOK_JOB = "notifications.webhook"
EVENT_TYPES = (
    "ticket.created",
    "ticket.updated",
    "ticket.message",
    "ticket.solved",
    "incident.created",
    "incident.updated",
)


def allowed_ranges(
    sub: WebhookSubscription | None = None, extra: list[str] | None = None
) -> list[str]:
    site = [r for r in get_settings().webhook_allowed_ranges.split(",") if r.strip()]
    return [*site, *(sub.allowed_ranges if sub else []), *(extra or [])]


def check_url(url: str, ranges: list[str]) -> None:
    try:
        netguard.check_url(url, allowed_ranges(extra=ranges))
    except netguard.BlockedURL as exc:
        raise Invalid(f"webhook URL refused: {exc}") from exc


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _clean_types(types: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(t.strip() for t in types if t.strip()))
    for t in cleaned:
        if t != "*" and t not in EVENT_TYPES:
            raise Invalid(f"unknown event type {t[:60]!r}")
    return cleaned or ["*"]


def save_subscription(
    session: Session,
    *,
    actor: Actor,
    data: WebhookSubscriptionIn,
    subscription_id: int | None = None,
) -> WebhookSubscription:
    require_admin(actor)
    netguard_ranges = [r.strip() for r in data.allowed_ranges if r.strip()]
    try:
        netguard.parse_networks(netguard_ranges)
    except netguard.BlockedURL as exc:
        raise Invalid(str(exc)) from exc
    check_url(data.url, netguard_ranges)
    sub = (
        get_subscription(session, actor=actor, subscription_id=subscription_id)
        if subscription_id
        else None
    )
    if sub is None:
        sub = WebhookSubscription(secret=data.secret or new_secret())
        session.add(sub)
    elif data.secret:
        sub.secret = data.secret
    sub.name = data.name.strip()
    sub.url = data.url.strip()
    sub.event_types = _clean_types(data.event_types)
    sub.active = data.active
    sub.allowed_ranges = netguard_ranges
    session.flush()
    return sub


def get_subscription(
    session: Session, *, actor: Actor, subscription_id: int
) -> WebhookSubscription:
    require_admin(actor)
    sub = session.get(WebhookSubscription, subscription_id)
    if sub is None:
        raise NotFound("webhook subscription not found")
    return sub


def delete_subscription(session: Session, *, actor: Actor, subscription_id: int) -> None:
    session.delete(get_subscription(session, actor=actor, subscription_id=subscription_id))
    session.flush()


def _webhook_id(event_key: str, subscription_id: int) -> str:
    digest = hashlib.sha256(f"{event_key}\x1f{subscription_id}".encode()).hexdigest()
    return f"msg_{digest[:32]}"


def emit(
    session: Session, *, event_type: str, event_key: str, payload: dict[str, Any]
) -> list[WebhookDelivery]:
    """Queue one delivery per active subscription to `event_type` (idempotent per event)."""
    made: list[WebhookDelivery] = []
    for sub in session.scalars(select(WebhookSubscription).where(WebhookSubscription.active)):
        if "*" not in sub.event_types and event_type not in sub.event_types:
            continue
        wid = _webhook_id(event_key, sub.id)
        dup = session.scalar(
            select(WebhookDelivery.id).where(
                WebhookDelivery.webhook_id == wid, WebhookDelivery.subscription_id == sub.id
            )
        )
        if dup is not None:
            continue
        made.append(_queue(session, sub.id, wid, event_type, payload, replay_of=None))
    return made


def _queue(
    session: Session,
    subscription_id: int,
    webhook_id: str,
    event_type: str,
    payload: dict[str, Any],
    *,
    replay_of: int | None,
) -> WebhookDelivery:
    delivery = WebhookDelivery(
        subscription_id=subscription_id,
        webhook_id=webhook_id,
        event_type=event_type,
        payload=payload,
        status=OutboxStatus.pending,
        attempts=0,
        max_attempts=get_settings().outbox_max_attempts,
        replay_of_id=replay_of,
        response_excerpt="",
    )
    session.add(delivery)
    session.flush()
    enqueue(session, kind=WEBHOOK_JOB, payload={"delivery_id": delivery.id}, max_attempts=10)
    return delivery


def replay(session: Session, *, actor: Actor, delivery_id: int) -> WebhookDelivery:
    """Send a logged delivery again (same webhook-id, same payload) as a new log row."""
    require_admin(actor)
    old = session.get(WebhookDelivery, delivery_id)
    if old is None:
        raise NotFound("webhook delivery not found")
    return _queue(
        session, old.subscription_id, old.webhook_id, old.event_type, old.payload, replay_of=old.id
    )


def body_of(delivery: WebhookDelivery) -> bytes:
    document = {
        "type": delivery.event_type,
        "timestamp": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def attempt(session: Session, delivery_id: int) -> None:
    """One delivery attempt, recorded on the row; schedules the next one on failure."""
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if delivery is None or delivery.status in (OutboxStatus.sent, OutboxStatus.dead):
        return
    sub = session.get(WebhookSubscription, delivery.subscription_id)
    if sub is None:
        return
    body = body_of(delivery)
    result = transports().webhooks.send(
        sub.url,
        body=body,
        headers=signed_headers(sub.secret, delivery.webhook_id, body),
        allowed_ranges=allowed_ranges(sub),
    )
    delivery.attempts += 1
    delivery.status_code = result.status_code
    delivery.response_excerpt = result.body_excerpt
    delivery.duration_ms = result.duration_ms
    if result.ok:
        delivery.status = OutboxStatus.sent
        delivery.delivered_at = now()
        delivery.last_error = None
        delivery.next_attempt_at = None
        return
    delivery.last_error = result.error or f"HTTP {result.status_code}"
    blocked = (result.error or "").startswith("BlockedURL")
    if blocked or delivery.attempts >= delivery.max_attempts or not sub.active:
        delivery.status = OutboxStatus.dead
        delivery.next_attempt_at = None
        return
    delivery.status = OutboxStatus.failed
    delivery.next_attempt_at = now() + timedelta(seconds=retry_delay(delivery.attempts))
    enqueue(
        session,
        kind=WEBHOOK_JOB,
        payload={"delivery_id": delivery.id},
        run_at=delivery.next_attempt_at,
        unique_key=f"wh:{delivery.id}:{delivery.attempts}",
        max_attempts=10,
    )
