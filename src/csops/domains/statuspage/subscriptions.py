"""Status page subscribers: email with double opt-in, webhooks; told of every public update.

Email: subscribing stores an unconfirmed row and sends a signed confirmation link; only
confirmed addresses receive updates, each with a signed unsubscribe link. Webhooks are
checked against the SSRF guard when added and signed (X-Csops-Signature, HMAC-SHA256
of the body) when called.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops import signing
from csops.clock import now
from csops.config import get_settings
from csops.domains.incidents.models import Incident, IncidentUpdate
from csops.domains.notifications import webhooks
from csops.domains.notifications.service import notify
from csops.domains.notifications.templates import register_default
from csops.domains.statuspage.models import StatusComponent, StatusSubscriber
from csops.domains.statuspage.schemas import SubscribeIn
from csops.errors import Invalid, NotFound
from csops.integrations import netguard
from csops.jobs.queue import enqueue

CONFIRM_PURPOSE = "statuspage-confirm"
UNSUBSCRIBE_PURPOSE = "statuspage-unsubscribe"
SIGNATURE_PURPOSE = "statuspage-webhook"
WEBHOOK_JOB = "statuspage.webhook"
CONFIRM_DAYS = 7

register_default(
    "status_confirm",
    subject="Confirm your subscription to {{ page_title }}",
    text=(
        "Someone (hopefully you) asked to receive status updates for {{ page_title }} at "
        "this address.\n\nConfirm: {{ confirm_url }}\n\nIf it was not you, ignore this message."
    ),
)
register_default(
    "status_confirm",
    subject="请确认订阅 {{ page_title }}",
    text="有人（希望是您）请求用此地址接收 {{ page_title }} 的状态更新。\n\n确认：{{ confirm_url }}\n\n如非本人操作，请忽略本邮件。",
    locale="zh_Hans",
)
register_default(
    "status_update",
    subject="[{{ status }}] {{ incident_title }}",
    text=(
        "{{ incident_title }} — {{ status }}\n\n{{ body }}\n\nStatus page: {{ status_url }}\n"
        "Unsubscribe: {{ unsubscribe_url }}\n"
    ),
)
register_default(
    "status_update",
    subject="[{{ status }}] {{ incident_title }}",
    text=(
        "{{ incident_title }} — {{ status }}\n\n{{ body }}\n\n状态页：{{ status_url }}\n"
        "退订：{{ unsubscribe_url }}\n"
    ),
    locale="zh_Hans",
)


def _base() -> str:
    return get_settings().base_url.rstrip("/")


def page_path(brand: str) -> str:
    return "/status" if brand == "default" else f"/status/b/{brand}"


def subscribe(session: Session, *, data: SubscribeIn) -> StatusSubscriber:
    """Add (or find) a subscriber; an email one gets a confirmation link."""
    if data.kind == "email":
        if data.email is None:
            raise Invalid("an email address is needed")
        target = str(data.email).lower()
    else:
        if not data.url or not data.url.startswith(("https://", "http://")):
            raise Invalid("a webhook needs an http(s) URL")
        try:
            netguard.check_url(data.url, webhooks.allowed_ranges())
        except netguard.BlockedURL as exc:
            raise Invalid(f"webhook URL refused: {exc}") from exc
        target = data.url
    sub = session.scalar(
        select(StatusSubscriber).where(
            StatusSubscriber.brand == data.brand,
            StatusSubscriber.kind == data.kind,
            StatusSubscriber.target == target,
        )
    )
    if sub is None:
        sub = StatusSubscriber(brand=data.brand, kind=data.kind, target=target)
        session.add(sub)
        session.flush()
    sub.active = True
    if data.kind == "webhook":
        sub.confirmed_at = sub.confirmed_at or now()
    elif sub.confirmed_at is None:
        token = signing.dumps(CONFIRM_PURPOSE, {"s": sub.id})
        notify(
            session,
            event_key=f"status-confirm:{sub.id}:{now():%Y%m%d%H}",
            kind="status",
            template="status_confirm",
            context={
                "page_title": get_settings().status_page_title,
                "confirm_url": f"{_base()}/status/confirm?token={token}",
            },
            address=target,
        )
    session.flush()
    return sub


def _from_token(
    session: Session, purpose: str, token: str, max_age: int | None
) -> StatusSubscriber:
    payload = signing.loads(purpose, token, max_age_seconds=max_age)
    sub_id = payload.get("s") if isinstance(payload, dict) else None
    sub = session.get(StatusSubscriber, sub_id) if isinstance(sub_id, int) else None
    if sub is None:
        raise NotFound("this subscription no longer exists")
    return sub


def confirm(session: Session, *, token: str) -> StatusSubscriber:
    sub = _from_token(session, CONFIRM_PURPOSE, token, CONFIRM_DAYS * 86400)
    sub.confirmed_at = sub.confirmed_at or now()
    sub.active = True
    session.flush()
    return sub


def unsubscribe(session: Session, *, token: str) -> StatusSubscriber:
    sub = _from_token(session, UNSUBSCRIBE_PURPOSE, token, None)
    sub.active = False
    session.flush()
    return sub


def _brands_of(session: Session, incident: Incident) -> set[str]:
    found = set(
        session.scalars(
            select(StatusComponent.brand).where(
                StatusComponent.service_id.in_(incident.service_ids)
            )
        )
    )
    return found | {"default"}


def _payload(incident: Incident, update: IncidentUpdate) -> dict[str, Any]:
    return {
        "incident": {
            "id": incident.id,
            "title": incident.title,
            "status": incident.status.value,
            "severity": incident.severity.value,
        },
        "update": {
            "id": update.id,
            "body": update.body,
            "status": update.status.value if update.status else None,
            "created_at": update.created_at.isoformat(),
        },
    }


def fanout(session: Session, *, update_id: int) -> int:
    """Tell every confirmed subscriber of the incident's pages; returns how many."""
    update = session.get(IncidentUpdate, update_id)
    incident = session.get(Incident, update.incident_id) if update else None
    if update is None or incident is None or not update.is_public or incident.is_drill:
        return 0
    subs = session.scalars(
        select(StatusSubscriber).where(
            StatusSubscriber.brand.in_(_brands_of(session, incident)),
            StatusSubscriber.active.is_(True),
            StatusSubscriber.confirmed_at.is_not(None),
        )
    ).all()
    for sub in subs:
        if sub.kind == "webhook":
            enqueue(
                session,
                kind=WEBHOOK_JOB,
                payload={"update_id": update.id, "subscriber_id": sub.id},
                unique_key=f"{WEBHOOK_JOB}:{update.id}:{sub.id}",
            )
            continue
        token = signing.dumps(UNSUBSCRIBE_PURPOSE, {"s": sub.id})
        notify(
            session,
            event_key=f"status-update:{update.id}:{sub.id}",
            kind="status",
            template="status_update",
            context={
                "incident_title": incident.title,
                "status": (update.status or incident.status).value,
                "body": update.body,
                "status_url": f"{_base()}{page_path(sub.brand)}",
                "unsubscribe_url": f"{_base()}/status/unsubscribe?token={token}",
            },
            address=sub.target,
        )
    return len(subs)


def call_webhook(session: Session, *, update_id: int, subscriber_id: int) -> None:
    update = session.get(IncidentUpdate, update_id)
    sub = session.get(StatusSubscriber, subscriber_id)
    if update is None or sub is None or not sub.active:
        return
    incident = session.get(Incident, update.incident_id)
    if incident is None:
        return
    body = json.dumps(_payload(incident, update), separators=(",", ":")).encode()
    response = netguard.guarded_request(
        "POST",
        sub.target,
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Csops-Signature": "sha256=" + signing.digest(SIGNATURE_PURPOSE, body.decode()),
        },
        allowed_ranges=webhooks.allowed_ranges(),
        timeout=get_settings().webhook_timeout_seconds,
    )
    if response.status_code >= 300:
        raise RuntimeError(f"status webhook answered {response.status_code}")
