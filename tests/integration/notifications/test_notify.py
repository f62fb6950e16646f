"""notify(), the outbox rows it writes and their delivery to a real SMTP server."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.domains.channels import mailids
from csops.domains.notifications import jobs, manage, service
from csops.domains.notifications.models import (
    ContactKind,
    ContactPoint,
    OutboxItem,
    OutboxStatus,
    TemplateOverride,
)
from csops.errors import Invalid
from csops.jobs.models import Job
from tests.integration.notifications.sinks import SmtpSink


def _jobs(db: Session, outbox_id: int) -> int:
    return int(
        db.scalar(
            select(func.count())
            .select_from(Job)
            .where(Job.kind == service.DELIVER_JOB)
            .where(Job.payload["outbox_id"].as_integer() == outbox_id)
        )
        or 0
    )


def test_notify_is_idempotent_and_enqueues_one_job(db: Session, factories: SimpleNamespace) -> None:
    customer = factories.customer(name="Ann", locale="en")
    first = service.notify(
        db,
        event_key="evt-1",
        kind="test",
        template="generic",
        context={"subject": "Hello", "body": "World"},
        customer_id=customer.id,
    )
    again = service.notify(
        db,
        event_key="evt-1",
        kind="test",
        template="generic",
        context={"subject": "Other", "body": "Other"},
        customer_id=customer.id,
    )
    assert len(first) == 1 and [i.id for i in again] == [first[0].id]
    item = first[0]
    assert (item.channel, item.recipient, item.status) == (
        ContactKind.email,
        customer.email,
        OutboxStatus.pending,
    )
    assert item.subject == "Hello" and item.body_text.startswith("World")
    assert _jobs(db, item.id) == 1


def test_delivery_to_real_smtp(db: Session, factories: SimpleNamespace, smtp: SmtpSink) -> None:
    customer = factories.customer(name="Ann")
    [item] = service.notify(
        db,
        event_key="evt-2",
        kind="test",
        template="generic",
        context={"subject": "Hi\r\nBcc: x@evil.test", "body": "Body {{ 1+1 }}"},
        customer_id=customer.id,
    )
    jobs.deliver(db, {"outbox_id": item.id})
    assert item.status is OutboxStatus.sent and item.attempts == 1
    [msg] = smtp.received
    assert msg["Message-ID"] == item.message_id
    assert msg["To"] == customer.email
    assert msg["Bcc"] is None
    assert "Body {{ 1+1 }}" in msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    jobs.deliver(db, {"outbox_id": item.id})  # already sent: nothing more
    assert len(smtp.received) == 1


def test_retry_backoff_then_dead(db: Session, factories: SimpleNamespace, smtp: SmtpSink) -> None:
    customer = factories.customer()
    [item] = service.notify(
        db,
        event_key="evt-3",
        kind="t",
        template="generic",
        context={"subject": "s", "body": "b"},
        customer_id=customer.id,
    )
    item.max_attempts = 3
    smtp.refuse_next = 3
    jobs.deliver(db, {"outbox_id": item.id})
    assert item.status is OutboxStatus.failed and "451" in (item.last_error or "")
    first_delay = item.next_attempt_at
    assert first_delay is not None
    jobs.deliver(db, {"outbox_id": item.id})
    assert item.next_attempt_at is not None and item.next_attempt_at > first_delay
    jobs.deliver(db, {"outbox_id": item.id})
    assert item.status is OutboxStatus.dead and smtp.received == []
    assert _jobs(db, item.id) == 3  # the first + two retries; none after dead
    service.requeue(db, outbox_id=item.id)
    jobs.deliver(db, {"outbox_id": item.id})
    assert item.status is OutboxStatus.sent and len(smtp.received) == 1


def test_permanent_failure_is_dead_at_once(db: Session, smtp: SmtpSink) -> None:
    [item] = service.notify(
        db,
        event_key="evt-4",
        kind="t",
        template="generic",
        context={"subject": "s", "body": "b"},
        address="not an address",
    )
    jobs.deliver(db, {"outbox_id": item.id})
    assert item.status is OutboxStatus.dead and item.attempts == 1


def test_preferred_contact_point_and_channel(db: Session, factories: SimpleNamespace) -> None:
    customer = factories.customer()
    db.add_all(
        [
            ContactPoint(customer_id=customer.id, kind=ContactKind.sms, address="json://h/sms"),
            ContactPoint(
                customer_id=customer.id,
                kind=ContactKind.slack,
                address="json://h/slack",
                preferred=True,
            ),
        ]
    )
    db.flush()
    ctx = {"subject": "s", "body": "b"}
    [pref] = service.notify(
        db, event_key="e5", kind="t", template="generic", context=ctx, customer_id=customer.id
    )
    assert (pref.channel, pref.recipient) == (ContactKind.slack, "json://h/slack")
    [sms] = service.notify(
        db,
        event_key="e5",
        kind="t",
        template="generic",
        context=ctx,
        customer_id=customer.id,
        channel="sms",
    )
    assert sms.recipient == "json://h/sms"
    [mail] = service.notify(
        db,
        event_key="e5",
        kind="t",
        template="generic",
        context=ctx,
        customer_id=customer.id,
        channel="email",
    )
    assert mail.recipient == customer.email
    assert (
        service.notify(
            db,
            event_key="e5",
            kind="t",
            template="generic",
            context=ctx,
            customer_id=customer.id,
            channel="telegram",
        )
        == []
    )
    with pytest.raises(Invalid):
        service.notify(
            db,
            event_key="e5",
            kind="t",
            template="generic",
            context=ctx,
            customer_id=customer.id,
            channel="pigeon",
        )


def test_opt_out_skips_non_essential_only(db: Session, factories: SimpleNamespace) -> None:
    customer = factories.customer()
    service.set_opt_out(db, customer_id=customer.id, opt_out=True)
    ctx = {"subject": "s", "body": "b"}
    assert (
        service.notify(
            db,
            event_key="e6",
            kind="t",
            template="generic",
            context=ctx,
            customer_id=customer.id,
            essential=False,
        )
        == []
    )
    assert (
        len(
            service.notify(
                db,
                event_key="e6",
                kind="t",
                template="generic",
                context=ctx,
                customer_id=customer.id,
            )
        )
        == 1
    )


def test_locale_and_override(db: Session, factories: SimpleNamespace) -> None:
    customer = factories.customer(locale="zh-CN", name="王")
    ctx = {"subject": "打印机", "customer_name": "王"}
    [zh] = service.notify(
        db,
        event_key="e7",
        kind="t",
        template="ticket_ack",
        context=ctx,
        customer_id=customer.id,
        ticket_id=None,
    )
    assert zh.locale == "zh_Hans" and "已收到" in zh.subject
    db.add(
        TemplateOverride(
            name="ticket_ack", locale="zh_Hans", subject="覆盖 {{ subject }}", text="x", html=""
        )
    )
    db.flush()
    [over] = service.notify(
        db, event_key="e8", kind="t", template="ticket_ack", context=ctx, customer_id=customer.id
    )
    assert over.subject == "覆盖 打印机"
    with pytest.raises(Invalid):
        service.notify(
            db, event_key="e9", kind="t", template="nope", context=ctx, customer_id=customer.id
        )


def test_ticket_mail_gets_signed_message_id(db: Session, factories: SimpleNamespace) -> None:
    from tests.integration.notifications.helpers import portal_ticket

    ticket = portal_ticket(db, factories)
    items = db.scalars(select(OutboxItem).where(OutboxItem.ticket_id == ticket.id)).all()
    assert len(items) == 1
    assert mailids.ticket_id_from_message_id(items[0].message_id) == ticket.id
    assert mailids.subject_token(ticket.id) in items[0].subject


def test_bulk_history_is_recorded_as_delivered_without_jobs(db: Session) -> None:
    items = service.notify(
        db,
        event_key="history-1",
        kind="ticket",
        template="generic",
        context={"subject": "Old", "body": "Old news"},
        address="old@customer.example",
    )
    assert items and items[0].status == OutboxStatus.pending
    assert manage.record_pending_as_delivered(db) >= 1
    db.expire_all()
    row = db.get_one(OutboxItem, items[0].id)
    assert row.status == OutboxStatus.sent and row.sent_at == row.created_at
    assert db.query(Job).filter(Job.kind == "notifications.deliver").count() == 0
