"""The mail demo loader writes inbound rows for email tickets and a small quarantine."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.demo import mail as demo_mail
from csops.domains.accounts.actor import Actor
from csops.domains.channels.models import InboundMail, InboundStatus
from csops.domains.channels.parsing import parse_email
from csops.domains.tickets import service as tickets
from csops.domains.tickets.models import Channel
from csops.domains.tickets.schemas import RequesterIn, TicketCreate


def test_demo_load(db: Session) -> None:
    ticket = tickets.create_ticket(
        db,
        data=TicketCreate(
            subject="Demo email ticket",
            description="hi",
            requester=RequesterIn(email="demo.person@example.com"),
            channel=Channel.email,
        ),
        actor=Actor.system(),
    )
    demo_mail.load(db, now=datetime.now(UTC), rng=random.Random(3))
    rows = db.scalars(select(InboundMail)).all()
    linked = [r for r in rows if r.ticket_id == ticket.id]
    assert len(linked) == 1 and parse_email(linked[0].raw).subject == "Demo email ticket"
    assert sum(r.status == InboundStatus.quarantined for r in rows) == 3
    assert sum(r.is_auto for r in rows) == 2
