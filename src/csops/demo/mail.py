"""Demo rows of the mail area: a few received emails that the demo tickets came from, and
some held in quarantine (an oversized message, one that is not an email, a rate-limited
sender) so the admin page /admin/mail has something to show and retry."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.channels.models import InboundMail, InboundStatus
from csops.domains.tickets.models import Channel, Ticket


def _raw(sender: str, subject: str, body: str, stamp: datetime, n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@demo.example"
    msg["Subject"] = subject
    msg["Date"] = stamp.strftime("%a, %d %b %Y %H:%M:%S +0000")
    msg["Message-ID"] = f"<demo-{n}-{stamp.timestamp():.0f}@mail.demo.example>"
    msg.set_content(body)
    return msg.as_bytes(policy=SMTP)


def _row(raw: bytes, at: datetime, status: InboundStatus, reason: str, **kw: object) -> InboundMail:
    return InboundMail(
        raw=raw,
        size=len(raw),
        received_at=at,
        updated_at=at,
        source="smtp",
        envelope_to=["support@demo.example"],
        status=status,
        reason=reason,
        **kw,
    )


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    """Inbound-mail rows for the email tickets of the demo, plus a small quarantine."""
    tickets = session.scalars(
        select(Ticket).where(Ticket.channel == Channel.email).order_by(Ticket.id.desc()).limit(20)
    ).all()
    for n, ticket in enumerate(tickets):
        sender = ticket.requester.email
        raw = _raw(sender, ticket.subject, "(see the ticket)", ticket.created_at, n)
        session.add(
            _row(
                raw,
                ticket.created_at,
                InboundStatus.accepted,
                "new ticket",
                envelope_from=sender,
                sender=sender,
                subject=ticket.subject[:250],
                ticket_id=ticket.id,
            )
        )
    held = [
        (
            "noreply@newsletter.demo.example",
            "Weekly digest",
            InboundStatus.ignored,
            "list: recorded, not answered",
            True,
        ),
        (
            "mailer-daemon@mx.demo.example",
            "Undelivered Mail Returned to Sender",
            InboundStatus.ignored,
            "bounce: recorded, not answered",
            True,
        ),
        (
            "lena.fischer@customer.demo.example",
            "Scans of all our invoices",
            InboundStatus.quarantined,
            "over the size limit (14680064 > 10485760 bytes)",
            False,
        ),
        (
            "bot@unknown.demo.example",
            "Order status?",
            InboundStatus.quarantined,
            "rate limit: more than 20 emails from sender",
            False,
        ),
    ]
    for n, (sender, subject, status, reason, auto) in enumerate(held, start=100):
        at = now - timedelta(hours=rng.randint(1, 72))
        raw = _raw(sender, subject, f"Demo message: {subject}.", at, n)
        session.add(
            _row(
                raw,
                at,
                status,
                reason,
                envelope_from=sender,
                sender=sender,
                subject=subject,
                is_auto=auto,
            )
        )
    at = now - timedelta(hours=rng.randint(1, 24))
    junk = b"\x00\x00GARBAGE from a broken relay"
    session.add(
        _row(
            junk,
            at,
            InboundStatus.quarantined,
            "the message has no header",
            envelope_from="relay@broken.demo.example",
        )
    )
    session.flush()
