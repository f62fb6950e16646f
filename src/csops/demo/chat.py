"""Demo live chats: one answered by an agent, one anonymous visitor offered email follow-up."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role, User
from csops.domains.chat import service
from csops.domains.chat.schemas import ChatStart
from csops.domains.tickets import thread
from csops.domains.tickets.schemas import MessageCreate


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    agent = session.scalars(select(User).where(User.role == Role.agent).order_by(User.id)).first()
    answered, _visitor = service.start(
        session,
        data=ChatStart(
            message="Hi! My card payment failed twice at checkout, is something wrong?",
            name="Priya Shah",
            email="priya.shah@example.com",
            page="https://shop.example.com/checkout",
        ),
    )
    if agent is not None:
        thread.add_message(
            session,
            ticket_id=answered.ticket_id,
            data=MessageCreate(body="Hi Priya, I'm checking your payment attempts now."),
            actor=Actor.for_user(agent),
        )
        service.say(session, chat=answered, body="Thanks! The order number is 48213.")
        thread.add_message(
            session,
            ticket_id=answered.ticket_id,
            data=MessageCreate(
                body="Your bank declined the 3-D Secure check. Please retry; it should go through."
            ),
            actor=Actor.for_user(agent),
        )
    waiting, _visitor = service.start(
        session,
        data=ChatStart(
            message="Does the Pro plan include SSO?", page="https://www.example.com/pricing"
        ),
    )
    service.offer_followup(session, chat_id=waiting.id, token=waiting.followup_token or "")
