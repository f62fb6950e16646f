"""Demo rows of the notifications area: the default brand, a few contact points (Slack,
SMS, Telegram through apprise URLs), a paused webhook subscription with a delivery log, and
outbox items already delivered for recent tickets (acknowledgments and solved notices), so
/admin/notifications has something to show. Nothing here is sent: the rows are marked sent
before the worker sees them, and the webhook subscription is paused."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.models import Customer
from csops.domains.notifications import service, webhooks
from csops.domains.notifications.models import (
    Brand,
    ContactKind,
    ContactPoint,
    OutboxStatus,
    WebhookDelivery,
    WebhookSubscription,
)
from csops.domains.tickets.models import Status, Ticket

CHAT_POINTS = (
    (ContactKind.slack, "slack://T0DEMO/B0DEMO/demo0token0demo/#support-{n}"),
    (ContactKind.sms, "twilio://ACdemo:demotoken@15550000000/1555000{n:04d}"),
    (ContactKind.telegram, "tgram://123456:demo-bot-token/{n}"),
)


def _brand(session: Session) -> None:
    if session.scalar(select(Brand.id).where(Brand.is_default)) is None:
        session.add(
            Brand(
                name="Acme Support",
                slug="acme",
                from_name="Acme Support",
                from_address="support@demo.example",
                reply_to="support@demo.example",
                is_default=True,
            )
        )
        session.flush()


def _contact_points(session: Session, rng: random.Random) -> None:
    customers = session.scalars(select(Customer).order_by(Customer.id).limit(6)).all()
    for n, customer in enumerate(customers):
        kind, template = CHAT_POINTS[n % len(CHAT_POINTS)]
        session.add(
            ContactPoint(
                customer_id=customer.id,
                kind=kind,
                address=template.format(n=n),
                label=kind.value.title(),
                preferred=rng.random() < 0.3,
            )
        )


def _outbox(session: Session, now: datetime) -> None:
    recent = session.scalars(select(Ticket).order_by(Ticket.id.desc()).limit(12)).all()
    for ticket in recent:
        context = {"subject": ticket.subject, "customer_name": ticket.requester.name}
        made = service.notify(
            session,
            event_key=f"demo:ticket:{ticket.id}:ack",
            kind="ticket",
            template="ticket_ack",
            context=context,
            customer_id=ticket.requester_id,
            channel="email",
            ticket_id=ticket.id,
        )
        if ticket.status in (Status.solved, Status.closed):
            made += service.notify(
                session,
                event_key=f"demo:ticket:{ticket.id}:solved",
                kind="ticket",
                template="status_changed",
                context=context,
                customer_id=ticket.requester_id,
                channel="email",
                ticket_id=ticket.id,
                essential=False,
            )
        for item in made:
            item.status = OutboxStatus.sent
            item.attempts = 1
            item.created_at = min(ticket.created_at + timedelta(seconds=5), now)
            item.sent_at = item.created_at + timedelta(seconds=2)


def _webhook(session: Session, now: datetime, rng: random.Random) -> None:
    sub = WebhookSubscription(
        name="Ops event bus (paused)",
        url="https://hooks.demo.example/csops",
        event_types=["ticket.created", "ticket.solved"],
        secret=webhooks.new_secret(),
        active=False,
        allowed_ranges=[],
    )
    session.add(sub)
    session.flush()
    tickets = session.scalars(select(Ticket).order_by(Ticket.id.desc()).limit(8)).all()
    for n, ticket in enumerate(tickets):
        ok = rng.random() < 0.8
        at = now - timedelta(hours=n * 3 + 1)
        session.add(
            WebhookDelivery(
                subscription_id=sub.id,
                webhook_id=f"msg_demo{ticket.id:08d}",
                event_type="ticket.created",
                payload={"ticket_id": ticket.id, "subject": ticket.subject},
                status=OutboxStatus.sent if ok else OutboxStatus.dead,
                attempts=1 if ok else 8,
                status_code=200 if ok else 503,
                response_excerpt="ok" if ok else "upstream unavailable",
                duration_ms=rng.randint(40, 400),
                last_error=None if ok else "HTTP 503",
                created_at=at,
                delivered_at=at if ok else None,
            )
        )


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    """Brand, contact points, a paused webhook with its log, delivered outbox items."""
    _brand(session)
    _contact_points(session, rng)
    _outbox(session, now)
    _webhook(session, now, rng)
    session.flush()
