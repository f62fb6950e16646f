"""Inbound webhooks: sources (admin-managed, with a secret and a field mapping) and the
delivery use case.

A delivery is always stored with its raw body, whatever happens to it. Verified deliveries
carry their webhook-id as idempotency key (unique per source): a second delivery of the
same id answers the first result and creates nothing. The caller commits the stored row
even when the answer is an error (see web/api/intake.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from csops.clock import now
from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.intake import mapping as field_mapping
from csops.domains.intake import signature
from csops.domains.intake.models import DeliveryStatus, WebhookDelivery, WebhookSource
from csops.domains.intake.schemas import DeliveryResult, SourceIn, SourceUpdate
from csops.domains.tickets import service as tickets
from csops.domains.tickets.models import Channel
from csops.domains.tickets.schemas import TicketCreate
from csops.errors import Conflict, CsopsError, Invalid, NotFound, PermissionDenied

KEPT_HEADERS = ("webhook-id", "webhook-timestamp", "content-type", "user-agent")
DEFAULT_MAPPING = {
    "subject": "subject",
    "description": "description",
    "requester_email": "requester.email",
    "requester_name": "requester.name",
    "priority": "priority",
    "tags": "tags",
    "service": "service",
    "external_id": "id",
}


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin or not actor.has_scope("admin"):
        raise PermissionDenied("only an admin may manage webhook sources")


def list_sources(session: Session, *, actor: Actor) -> Sequence[WebhookSource]:
    _require_admin(actor)
    return session.scalars(select(WebhookSource).order_by(WebhookSource.slug)).all()


def get_source(session: Session, *, source_id: int, actor: Actor) -> WebhookSource:
    _require_admin(actor)
    source = session.get(WebhookSource, source_id)
    if source is None:
        raise NotFound(f"webhook source {source_id} not found")
    return source


def create_source(session: Session, *, data: SourceIn, actor: Actor) -> WebhookSource:
    _require_admin(actor)
    if session.scalar(select(WebhookSource.id).where(WebhookSource.slug == data.slug)):
        raise Conflict(f"a source {data.slug!r} exists")
    source = WebhookSource(
        slug=data.slug,
        name=data.name,
        secret=signature.new_secret(),
        mapping=field_mapping.validate(data.mapping or DEFAULT_MAPPING),
        is_active=True,
        created_at=now(),
    )
    session.add(source)
    session.flush()
    return source


def update_source(
    session: Session, *, source_id: int, data: SourceUpdate, actor: Actor
) -> WebhookSource:
    source = get_source(session, source_id=source_id, actor=actor)
    if data.name is not None:
        source.name = data.name
    if data.mapping is not None:
        source.mapping = field_mapping.validate(data.mapping)
    if data.is_active is not None:
        source.is_active = data.is_active
    session.flush()
    return source


def rotate_secret(session: Session, *, source_id: int, actor: Actor) -> WebhookSource:
    source = get_source(session, source_id=source_id, actor=actor)
    source.secret = signature.new_secret()
    source.rotated_at = now()
    session.flush()
    return source


def list_deliveries(
    session: Session, *, source_id: int, actor: Actor, limit: int = 50
) -> Sequence[WebhookDelivery]:
    get_source(session, source_id=source_id, actor=actor)
    return session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.source_id == source_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    ).all()


# Receiving ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What the endpoint answers: a status and, for errors, the problem's detail."""

    status: int
    result: DeliveryResult | None = None
    detail: str = ""


def _store(
    session: Session,
    *,
    source: WebhookSource | None,
    slug: str,
    headers: Mapping[str, str],
    body: bytes,
    status: DeliveryStatus,
    error: str = "",
    key: str | None = None,
) -> WebhookDelivery:
    delivery = WebhookDelivery(
        source_id=source.id if source is not None else None,
        source_slug=slug[:64],
        webhook_id=headers.get("webhook-id", "")[:200],
        idempotency_key=key,
        status=status,
        raw_body=body.decode("utf-8", errors="replace").replace("\x00", "\ufffd"),
        headers={k: headers[k][:300] for k in KEPT_HEADERS if k in headers},
        error=error,
        result={},
        received_at=now(),
    )
    session.add(delivery)
    session.flush()
    return delivery


def _replayed(session: Session, source: WebhookSource, key: str) -> Answer | None:
    first = session.scalar(
        select(WebhookDelivery).where(
            WebhookDelivery.source_id == source.id, WebhookDelivery.idempotency_key == key
        )
    )
    if first is None:
        return None
    return Answer(
        status=int(first.result.get("http_status", 200)),
        result=DeliveryResult(
            delivery_id=first.id,
            status=first.status.value,
            ticket_id=first.ticket_id,
            external_id=first.result.get("external_id"),
            duplicate=True,
        ),
        detail=first.error,
    )


def receive(session: Session, *, slug: str, headers: Mapping[str, str], body: bytes) -> Answer:
    """Verifies, stores and (when it maps) turns one delivery into a ticket."""
    settings = get_settings()
    source = session.scalar(select(WebhookSource).where(WebhookSource.slug == slug))
    if source is None or not source.is_active:
        _store(
            session,
            source=source,
            slug=slug,
            headers=headers,
            body=body,
            status=DeliveryStatus.rejected,
            error="unknown or inactive source",
        )
        return Answer(404, detail=f"no active webhook source {slug!r}")
    try:
        signature.verify(
            source.secret,
            webhook_id=headers.get("webhook-id", ""),
            timestamp=headers.get("webhook-timestamp", ""),
            signature_header=headers.get("webhook-signature", ""),
            body=body,
            at=now(),
            tolerance_seconds=settings.webhook_tolerance_seconds,
        )
    except Invalid as exc:
        _store(
            session,
            source=source,
            slug=slug,
            headers=headers,
            body=body,
            status=DeliveryStatus.rejected,
            error=exc.detail,
        )
        return Answer(401, detail=exc.detail)
    key = headers["webhook-id"][:200]
    replay = _replayed(session, source, key)
    if replay is not None:
        return replay
    try:
        with session.begin_nested():
            delivery = _store(
                session,
                source=source,
                slug=slug,
                headers=headers,
                body=body,
                status=DeliveryStatus.unmappable,
                key=key,
            )
    except IntegrityError:
        replay = _replayed(session, source, key)  # a twin committed meanwhile
        if replay is None:
            raise
        return replay
    return _process(session, source, delivery, body)


def _process(
    session: Session, source: WebhookSource, delivery: WebhookDelivery, body: bytes
) -> Answer:
    try:
        payload = json.loads(body)
        fields = field_mapping.apply(source.mapping, payload)
    except ValueError as exc:
        return _unmappable(delivery, 400, f"the body is not JSON: {exc}")
    except Invalid as exc:
        return _unmappable(delivery, 422, exc.detail)
    try:
        with session.begin_nested():
            data = TicketCreate.model_validate(
                {
                    "subject": fields["subject"],
                    "description": fields["description"],
                    "requester": {
                        "email": fields["requester_email"],
                        "name": fields["requester_name"],
                    },
                    "priority": fields["priority"],
                    "tags": fields["tags"],
                    "service": fields["service"],
                    "channel": Channel.webhook,
                }
            )
            ticket = tickets.create_ticket(
                session, data=data, actor=Actor.system(), raw=delivery.raw_body
            )
    except (ValidationError, CsopsError) as exc:
        detail = exc.detail if isinstance(exc, CsopsError) else str(exc.errors()[:2])
        return _unmappable(delivery, 422, f"the mapped fields are not a valid ticket: {detail}")
    delivery.status = DeliveryStatus.accepted
    delivery.ticket_id = ticket.id
    delivery.result = {"http_status": 201, "external_id": fields["external_id"]}
    result = DeliveryResult(
        delivery_id=delivery.id,
        status=delivery.status.value,
        ticket_id=ticket.id,
        external_id=fields["external_id"],
    )
    return Answer(201, result=result)


def _unmappable(delivery: WebhookDelivery, status: int, detail: str) -> Answer:
    delivery.status = DeliveryStatus.unmappable
    delivery.error = detail[:2000]
    delivery.result = {"http_status": status}
    return Answer(status, detail=delivery.error)


def as_payload(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
