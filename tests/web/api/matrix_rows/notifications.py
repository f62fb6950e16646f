"""Notification routes in the API route x role matrix: admin only, except contact points
(staff with accounts:read / accounts:write)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from csops.domains.notifications import service
from csops.domains.notifications.models import (
    OutboxStatus,
    WebhookDelivery,
    WebhookSubscription,
)
from tests.web.matrix_plugins import Rows

N = "/api/v1/notifications"
ADMIN = "401 404 404 403 403 403 200"
T = N + "/templates/{template_name}/{locale}"
W = N + "/webhooks/{webhook_subscription_id}"
# A public literal address: passes the SSRF guard without DNS, and no event is subscribed.
HOOK = {"name": "Matrix", "url": "https://93.184.216.34/hook", "event_types": ["incident.created"]}


def dead_item(session: Session) -> int:
    [item] = service.notify(
        session,
        event_key=f"matrix-{uuid.uuid4().hex}",
        kind="matrix",
        template="generic",
        context={"subject": "Matrix", "body": "Body"},
        address="matrix@customer.example",
    )
    item.status = OutboxStatus.dead
    session.flush()
    return item.id


def subscription(session: Session) -> int:
    sub = WebhookSubscription(
        name="Matrix",
        url=HOOK["url"],
        event_types=["incident.created"],
        secret="s" * 24,
        active=False,
        allowed_ranges=[],
    )
    session.add(sub)
    session.flush()
    return sub.id


def delivery(session: Session) -> int:
    row = WebhookDelivery(
        subscription_id=subscription(session),
        webhook_id=f"msg_{uuid.uuid4().hex}",
        event_type="incident.created",
        payload={"matrix": True},
        status=OutboxStatus.dead,
        attempts=1,
        max_attempts=1,
        response_excerpt="",
    )
    session.add(row)
    session.flush()
    return row.id


def contact_point(world: Any) -> int:
    made = world.clients["admin"].post(
        N + "/contact-points",
        json={
            "customer_id": world.ids["customer_id"],
            "kind": "email",
            "address": "alt@customer.example",
        },
    )
    return int(made.json()["id"])


def prepare(w: Any) -> None:
    w.ids["outbox_id"] = w.desk.seed(dead_item)
    w.ids["template_name"] = "generic"
    w.ids["locale"] = "en"
    w.ids["webhook_subscription_id"] = w.desk.seed(subscription)
    w.ids["webhook_delivery_id"] = w.desk.seed(delivery)
    w.ids["contact_point_id"] = contact_point(w)


ROWS = Rows(
    expect={
        ("GET", N + "/outbox"): ADMIN,
        ("POST", N + "/outbox/{outbox_id}/requeue"): ADMIN,
        ("GET", N + "/templates"): ADMIN,
        ("GET", T): ADMIN,
        ("PUT", T): ADMIN,
        ("DELETE", T): "401 404 404 403 403 403 204",
        ("POST", N + "/templates/preview"): ADMIN,
        ("GET", N + "/webhooks"): ADMIN,
        ("POST", N + "/webhooks"): "401 404 404 403 403 403 201",
        ("GET", W): ADMIN,
        ("PUT", W): ADMIN,
        ("DELETE", W): "401 404 404 403 403 403 204",
        ("GET", W + "/deliveries"): ADMIN,
        ("POST", N + "/webhook-deliveries/{webhook_delivery_id}/replay"): (
            "401 404 404 403 403 403 201"
        ),
        ("GET", N + "/contact-points"): "401 404 404 200 200 200 200",
        ("POST", N + "/contact-points"): "401 404 404 201 201 201 201",
        ("DELETE", N + "/contact-points/{contact_point_id}"): "401 404 404 204 204 204 204",
    },
    bodies={
        ("POST", N + "/outbox/{outbox_id}/requeue"): lambda w: {},
        ("PUT", T): lambda w: {"subject": "{{ subject }}", "text": "{{ body }}"},
        ("POST", N + "/templates/preview"): lambda w: {"subject": "S", "text": "T"},
        ("POST", N + "/webhooks"): lambda w: dict(HOOK),
        ("PUT", W): lambda w: {**HOOK, "active": False},
        ("POST", N + "/webhook-deliveries/{webhook_delivery_id}/replay"): lambda w: {},
        ("POST", N + "/contact-points"): lambda w: {
            "customer_id": w.ids["customer_id"],
            "kind": "sms",
            "address": "json://93.184.216.34/sms",
        },
    },
    prepare=prepare,
    fresh={
        "outbox_id": lambda w: int(w.desk.seed(dead_item)),
        "webhook_subscription_id": lambda w: int(w.desk.seed(subscription)),
        "webhook_delivery_id": lambda w: int(w.desk.seed(delivery)),
        "contact_point_id": contact_point,
    },
)
