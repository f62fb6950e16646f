from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role
from csops.domains.chat import jobs, service
from csops.domains.chat.schemas import ChatStart
from csops.domains.tickets import service as tickets
from csops.domains.tickets import thread
from csops.domains.tickets.models import Channel, Status, Ticket
from csops.domains.tickets.schemas import MessageCreate, TicketUpdate
from csops.errors import Conflict, NotFound
from csops.jobs.models import Job


def _timer(db: Session, chat_id: int) -> dict[str, object]:
    job = db.scalar(select(Job).where(Job.unique_key == f"chat-followup:{chat_id}"))
    assert job is not None
    return dict(job.payload)


def test_agent_answer_makes_the_followup_timer_stale(
    db: Session, factories: SimpleNamespace
) -> None:
    chat, _visitor = service.start(db, data=ChatStart(message="Is the API down?"))
    ticket = db.get_one(Ticket, chat.ticket_id)
    assert ticket.channel == Channel.chat and chat.anonymous
    agent = Actor.for_user(factories.user(role=Role.admin))
    note = MessageCreate(body="looking", public=False)
    thread.add_message(db, ticket_id=ticket.id, data=note, actor=agent)
    assert chat.agent_answered_at is None  # an internal note is no answer
    thread.add_message(
        db, ticket_id=ticket.id, data=MessageCreate(body="No, all fine"), actor=agent
    )
    assert chat.agent_answered_at is not None
    jobs.followup(db, _timer(db, chat.id))
    assert chat.followup_offered_at is None


def test_unanswered_chat_is_offered_followup_once(db: Session) -> None:
    chat, _visitor = service.start(db, data=ChatStart(message="Hello?", email="kim@shop.example"))
    payload = _timer(db, chat.id)
    jobs.followup(db, payload)
    offered = chat.followup_offered_at
    assert offered is not None
    jobs.followup(db, payload)  # a rerun of the same job changes nothing
    assert chat.followup_offered_at == offered


def test_tokens_bind_the_visitor_and_closed_chats_refuse_messages(db: Session) -> None:
    chat, visitor = service.start(db, data=ChatStart(message="Hi"))
    token = service.chat_token(chat)
    assert service.chat_from(db, token).id == chat.id
    assert service.visitor_from(service.visitor_token(visitor)) == visitor
    assert service.visitor_from("forged") is None
    with pytest.raises(NotFound):
        service.chat_from(db, token + "x")
    for status in (Status.solved, Status.closed):
        tickets.update_ticket(
            db, ticket_id=chat.ticket_id, data=TicketUpdate(status=status), actor=Actor.system()
        )
    with pytest.raises(Conflict):
        service.say(db, chat=chat, body="Anyone?")
