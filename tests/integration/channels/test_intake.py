"""Email intake against the real database: tickets, threading, loops, quarantine, limits."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role
from csops.domains.channels import mailids
from csops.domains.channels import service as channels
from csops.domains.channels.models import InboundMail, InboundStatus
from csops.domains.tickets.models import Attachment, Channel, Message, Status, Ticket
from csops.errors import Conflict, PermissionDenied


def mail(
    sender: str = "ana@example.com",
    subject: str = "Printer on fire",
    body: str = "It is burning.\n\nAna",
    **headers: str,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Ana Lima <{sender}>"
    msg["To"] = "support@example.org"
    msg["Subject"] = subject
    msg["Message-ID"] = (
        f"<{abs(hash((sender, subject, body, tuple(headers.items()))))}@mail.example.com>"
    )
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


def receive(db: Session, raw: bytes, envelope_from: str = "ana@example.com") -> InboundMail:
    return channels.receive_email(
        db, raw, envelope_from=envelope_from, envelope_to=["support@example.org"]
    )


def admin(db: Session) -> Actor:
    return Actor(kind="user", id=None, name="Root", role=Role.admin)


def test_new_mail_opens_an_email_ticket_with_the_raw_kept(db: Session) -> None:
    raw = mail(body="Hello, it broke.\n\nOn Mon, 1 Jan 2024, Bob <b@x.com> wrote:\n> old text")
    got = receive(db, raw)
    assert got.status == InboundStatus.accepted
    assert got.raw == raw
    ticket = db.get(Ticket, got.ticket_id)
    assert ticket is not None and ticket.channel == Channel.email
    assert ticket.subject == "Printer on fire"
    assert ticket.requester.email == "ana@example.com"
    message = db.get(Message, got.message_id)
    assert message is not None
    assert message.body_text == "Hello, it broke."
    assert message.raw is not None and "old text" in message.raw


def test_reply_threads_by_signed_message_id(db: Session) -> None:
    first = receive(db, mail())
    assert first.ticket_id is not None
    mid = mailids.new_message_id(first.ticket_id, "example.org")
    reply = receive(db, mail(subject="Re: hi", body="More info", In_Reply_To=mid))
    assert reply.ticket_id == first.ticket_id
    assert reply.reason == "reply"
    count = db.scalar(select(Ticket.id).where(Ticket.requester_id.isnot(None)).limit(5))
    assert count is not None


def test_forged_message_id_does_not_thread(db: Session) -> None:
    first = receive(db, mail())
    assert first.ticket_id is not None
    forged = mailids.new_message_id(first.ticket_id, "example.org").replace(
        f"<t{first.ticket_id}.", f"<t{first.ticket_id + 1000}."
    )
    second = receive(db, mail(body="again", References=forged))
    assert second.ticket_id != first.ticket_id


def test_subject_token_threads_for_the_owner_only(db: Session) -> None:
    first = receive(db, mail())
    assert first.ticket_id is not None
    token = mailids.subject_token(first.ticket_id)
    own = receive(db, mail(subject=f"Re: {token} Printer", body="still burning"))
    assert own.ticket_id == first.ticket_id
    foreign = receive(
        db,
        mail(sender="eve@example.net", subject=f"Re: {token}", body="let me in"),
        envelope_from="eve@example.net",
    )
    assert foreign.status == InboundStatus.accepted
    assert foreign.ticket_id not in (None, first.ticket_id)
    assert "another requester" in (foreign.reason or "")
    thread_authors = db.scalars(
        select(Message.author_customer_id).where(Message.ticket_id == first.ticket_id)
    ).all()
    assert len(thread_authors) == 2


def test_reply_to_a_closed_ticket_opens_a_new_one(db: Session) -> None:
    first = receive(db, mail())
    ticket = db.get(Ticket, first.ticket_id)
    assert ticket is not None
    ticket.status = Status.closed
    db.flush()
    again = receive(db, mail(subject=f"Re: {mailids.subject_token(ticket.id)}", body="back"))
    assert again.ticket_id != ticket.id and "closed" in (again.reason or "")


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"X_Autoreply": "yes"},
        {"Precedence": "bulk"},
        {"List_Id": "<news.example.com>"},
    ],
)
def test_auto_mail_is_recorded_never_a_ticket(db: Session, headers: dict[str, str]) -> None:
    got = receive(db, mail(body="I am away", **headers))
    assert got.status == InboundStatus.ignored
    assert got.is_auto and got.ticket_id is None


def test_bounce_on_a_ticket_becomes_an_internal_note(db: Session) -> None:
    first = receive(db, mail())
    assert first.ticket_id is not None
    mid = mailids.new_message_id(first.ticket_id, "example.org")
    bounce = receive(
        db,
        mail(
            sender="ana@example.com",
            body="Delivery failed",
            In_Reply_To=mid,
            Auto_Submitted="auto-replied",
        ),
        envelope_from="",
    )
    assert bounce.status == InboundStatus.accepted and bounce.is_auto
    note = db.get(Message, bounce.message_id)
    assert note is not None and note.is_public is False
    assert channels.is_auto_mail_message(db, note.id)


def test_null_sender_without_a_ticket_is_ignored(db: Session) -> None:
    got = receive(db, mail(sender="mailer-daemon@example.com", body="undeliverable"), "")
    assert got.status == InboundStatus.ignored and "bounce" in (got.reason or "")


def test_rate_limit_quarantines_then_admin_retry_accepts(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "mail_rate_limit", 2)
    results = [receive(db, mail(body=f"spam {n}")) for n in range(3)]
    assert [r.status for r in results] == [
        InboundStatus.accepted,
        InboundStatus.accepted,
        InboundStatus.quarantined,
    ]
    assert "rate limit" in (results[2].reason or "")
    retried = channels.retry_inbound(db, mail_id=results[2].id, actor=admin(db))
    assert retried.status == InboundStatus.accepted and retried.attempts == 2


def test_oversize_and_garbage_are_quarantined_and_kept(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "mail_max_bytes", 500)
    big = receive(db, mail(body="x" * 2000))
    assert big.status == InboundStatus.quarantined and "size limit" in (big.reason or "")
    garbage = receive(db, b"\x00\x01 not an email at all")
    assert garbage.status == InboundStatus.quarantined and garbage.raw.startswith(b"\x00")
    with pytest.raises(Conflict):
        channels.retry_inbound(db, mail_id=receive(db, mail(body="ok")).id, actor=admin(db))


def test_no_sender_is_quarantined(db: Session) -> None:
    raw = b"To: support@example.org\r\nSubject: who am I\r\n\r\nbody\r\n"
    got = receive(db, raw, envelope_from="")
    assert got.status == InboundStatus.quarantined
    assert "no sender" in (got.reason or "")


def test_attachments_kept_within_limits(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "max_attachment_bytes", 1000)
    msg = EmailMessage()
    msg["From"] = "ana@example.com"
    msg["Subject"] = "files"
    msg.set_content("see attached")
    msg.add_attachment(b"small", maintype="application", subtype="pdf", filename="a.pdf")
    msg.add_attachment(b"x" * 5000, maintype="application", subtype="zip", filename="big.zip")
    got = receive(db, msg.as_bytes())
    names = db.scalars(select(Attachment.filename).where(Attachment.ticket_id == got.ticket_id))
    assert list(names) == ["a.pdf"]
    body = db.scalar(select(Message.body_text).where(Message.id == got.message_id))
    assert body is not None and "big.zip not attached" in body


def test_duplicate_message_id_is_ignored(db: Session) -> None:
    raw = mail(body="once")
    assert receive(db, raw).status == InboundStatus.accepted
    again = receive(db, raw)
    assert again.status == InboundStatus.ignored and "duplicate" in (again.reason or "")


def test_quarantine_is_admin_only(db: Session) -> None:
    got = receive(db, b"garbage")
    rows = channels.list_inbound(db, actor=admin(db), status=InboundStatus.quarantined)
    assert got.id in [r.id for r in rows]
    assert channels.count_inbound(db, actor=admin(db))["quarantined"] >= 1
    with pytest.raises(PermissionDenied):
        channels.list_inbound(db, actor=Actor(kind="customer", id=1))


HOSTILE = [
    b"From: a@example.com\r\nSubject: nul\x00in subject\r\n\r\nbody\x00with nul\r\n",
    b"From: \xff\xfe\xfd <weird@example.com>\r\nSubject: \xc3\x28 bad utf8\r\n\r\n\xc3\x28\r\n",
    b"From: not-an-address\r\nSubject: x\r\n\r\nno valid sender\r\n",
    b"From: a@localhost\r\nSubject: special-use domain\r\n\r\nbody\r\n",
    b"From: b@example.com\r\nSubject: " + b"long " * 400 + b"\r\n\r\nbody\r\n",
    b"From: c@example.com\r\nContent-Type: multipart/mixed\r\n\r\nno boundary at all\r\n",
    b'From: d@example.com\r\nContent-Type: text/plain; charset="\r\n\r\nbroken param\r\n',
    b"From: e@example.com\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n",
    b"From: =?utf-8?q?=FF=FE?= <f@example.com>\r\nSubject: =?x-bogus?b?AAAA?=\r\n\r\nx\r\n",
]


@pytest.mark.parametrize("raw", HOSTILE, ids=[f"hostile{i}" for i in range(len(HOSTILE))])
def test_hostile_mail_is_stored_never_raises(db: Session, raw: bytes) -> None:
    got = receive(db, raw, envelope_from="x\x00y@example.com")
    db.flush()
    assert got.raw == raw
    assert got.status in (InboundStatus.accepted, InboundStatus.quarantined)
    if got.status == InboundStatus.quarantined:
        assert got.reason
    else:
        body = db.scalar(select(Message.body_text).where(Message.id == got.message_id))
        assert body is not None and "\x00" not in body
