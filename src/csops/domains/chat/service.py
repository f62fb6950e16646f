"""Live chat: a widget visitor's conversation is a ticket with channel=chat.

Visitors are identified by a signed visitor token kept in the browser (localStorage); a
conversation by a signed chat token naming the chat row and the visitor. Customer messages
go through tickets.thread.add_message as the requester (channel chat); agents answer from
the ticket page as usual, and every public message reaches the widget over SSE.

At chat start a job is planned `chat_followup_seconds` ahead with a token kept on the row;
when it runs and no agent has answered yet, the widget is offered email follow-up. An
agent's public reply clears the token (subscribers.py), so the job finds itself stale.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops import signing
from csops.clock import now
from csops.config import get_settings
from csops.domains.accounts import service as accounts
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Customer
from csops.domains.chat.models import ChatSession
from csops.domains.chat.schemas import ChatMessageOut, ChatStart, ChatState
from csops.domains.live import service as live
from csops.domains.tickets import service as tickets
from csops.domains.tickets import thread
from csops.domains.tickets.access import ticket_filter
from csops.domains.tickets.models import AuthorKind, Channel, Message, Ticket
from csops.domains.tickets.schemas import MessageCreate, TicketCreate, TicketUpdate
from csops.errors import Invalid, NotFound
from csops.jobs.queue import enqueue

VISITOR_PURPOSE = "chat-visitor"
CHAT_PURPOSE = "chat-session"
TOKEN_MAX_AGE = 90 * 24 * 3600
ANON_DOMAIN = "chat-visitors.example"
FOLLOWUP_JOB = "chat.followup"
FOLLOWUP_TAG = "chat-followup"


def visitor_token(visitor_id: str) -> str:
    return signing.dumps(VISITOR_PURPOSE, {"v": visitor_id})


def visitor_from(token: str | None) -> str | None:
    """The visitor id of a valid token; None for a missing or bad one (a new visitor)."""
    if not token:
        return None
    try:
        payload = signing.loads(VISITOR_PURPOSE, token, max_age_seconds=TOKEN_MAX_AGE)
    except Invalid:
        return None
    value = payload.get("v") if isinstance(payload, dict) else None
    return value if isinstance(value, str) and value.isalnum() else None


def chat_token(chat: ChatSession) -> str:
    return signing.dumps(CHAT_PURPOSE, {"c": chat.id, "v": chat.visitor_id})


def chat_from(session: Session, token: str) -> ChatSession:
    """The chat a token names; NotFound for anything forged, expired or gone."""
    try:
        payload = signing.loads(CHAT_PURPOSE, token, max_age_seconds=TOKEN_MAX_AGE)
    except Invalid as exc:
        raise NotFound("no such chat") from exc
    chat_id = payload.get("c") if isinstance(payload, dict) else None
    chat = session.get(ChatSession, chat_id) if isinstance(chat_id, int) else None
    if chat is None or chat.visitor_id != payload.get("v"):
        raise NotFound("no such chat")
    return chat


def customer_actor(session: Session, chat: ChatSession) -> Actor:
    return Actor.for_customer(session.get_one(Customer, chat.customer_id))


def start(session: Session, *, data: ChatStart) -> tuple[ChatSession, str]:
    """A new conversation (and its ticket); returns the chat and the visitor's id."""
    visitor_id = visitor_from(data.visitor_token) or secrets.token_hex(16)
    anonymous = data.email is None
    email = str(data.email) if data.email else f"visitor-{visitor_id}@{ANON_DOMAIN}"
    name = data.name or ("Visitor" if anonymous else email.split("@")[0])
    first_line = data.message.splitlines()[0] if data.message.strip() else "Chat"
    ticket = tickets.create_ticket(
        session,
        data=TicketCreate.model_validate(
            {
                "subject": f"Chat: {first_line[:200]}",
                "description": data.message,
                "requester": {"email": email, "name": name},
                "channel": Channel.chat,
                "tags": ["chat"],
            }
        ),
        actor=Actor.system(),
    )
    chat = ChatSession(
        ticket_id=ticket.id,
        customer_id=ticket.requester_id,
        visitor_id=visitor_id,
        anonymous=anonymous,
        origin=data.page[:300],
        started_at=now(),
        followup_token=secrets.token_hex(16),
    )
    session.add(chat)
    session.flush()
    enqueue(
        session,
        kind=FOLLOWUP_JOB,
        payload={"chat_id": chat.id, "token": chat.followup_token},
        run_at=now() + timedelta(seconds=get_settings().chat_followup_seconds),
        unique_key=f"chat-followup:{chat.id}",
    )
    return chat, visitor_id


def say(session: Session, *, chat: ChatSession, body: str) -> Message:
    return thread.add_message(
        session,
        ticket_id=chat.ticket_id,
        data=MessageCreate(body=body),
        actor=customer_actor(session, chat),
        channel=Channel.chat,
    )


def message_out(message: Message) -> ChatMessageOut:
    if message.author_kind == AuthorKind.customer:
        author, name = "customer", message.author_customer.name if message.author_customer else ""
    elif message.author_kind == AuthorKind.user:
        author, name = "agent", message.author_user.name if message.author_user else ""
    else:
        author, name = "system", ""
    return ChatMessageOut(
        id=message.id,
        author=author,
        name=name,
        body_text=message.body_text,
        created_at=message.created_at,
    )


def transcript(
    session: Session, *, chat: ChatSession, after_id: int | None = None
) -> Sequence[Message]:
    return thread.list_messages(
        session, ticket_id=chat.ticket_id, actor=customer_actor(session, chat), after_id=after_id
    )


def state(session: Session, *, chat: ChatSession) -> ChatState:
    ticket = session.get_one(Ticket, chat.ticket_id)
    return ChatState(
        ticket_id=chat.ticket_id,
        status=ticket.status.value,
        anonymous=chat.anonymous,
        followup_offered=chat.followup_offered_at is not None,
        followup_requested=chat.followup_requested_at is not None,
        messages=[message_out(m) for m in transcript(session, chat=chat)],
    )


def request_followup(session: Session, *, chat: ChatSession, email: str | None) -> ChatSession:
    """The customer takes the email follow-up: an anonymous visitor gives an address."""
    if chat.anonymous and not email:
        raise Invalid("an email address is needed for a follow-up")
    customer = session.get_one(Customer, chat.customer_id)
    address = accounts.normalize_email(email) if email else customer.email
    if chat.anonymous and email and accounts.find_customer(session, address) is None:
        customer.email = address  # the visitor's placeholder becomes their real address
        chat.anonymous = False
    chat.followup_email = address
    if chat.followup_requested_at is None:
        chat.followup_requested_at = now()
        ticket = session.get_one(Ticket, chat.ticket_id)
        note = f"The customer asked to be answered by email at {address}."
        thread.add_message(
            session,
            ticket_id=chat.ticket_id,
            data=MessageCreate(body=note, public=False),
            actor=Actor.system(),
            channel=Channel.chat,
        )
        if FOLLOWUP_TAG not in ticket.tags:
            tags = [*ticket.tags, FOLLOWUP_TAG]
            tickets.update_ticket(
                session, ticket_id=ticket.id, data=TicketUpdate(tags=tags), actor=Actor.system()
            )
    session.flush()
    return chat


def offer_followup(session: Session, *, chat_id: int, token: str) -> bool:
    """The follow-up timer: offers email follow-up unless an agent answered (stale token)."""
    chat = session.get(ChatSession, chat_id)
    if chat is None or chat.followup_token != token or chat.agent_answered_at is not None:
        return False
    chat.followup_token = None
    chat.followup_offered_at = now()
    live.publish(
        session, topic="tickets", payload={"action": "chat-followup", "ticket_id": chat.ticket_id}
    )
    session.flush()
    return True


def agent_answered(session: Session, *, ticket_id: int) -> None:
    chat = session.scalar(select(ChatSession).where(ChatSession.ticket_id == ticket_id))
    if chat is not None and chat.agent_answered_at is None:
        chat.agent_answered_at = now()
        chat.followup_token = None


def recent_chats(session: Session, *, actor: Actor, limit: int = 50) -> Sequence[ChatSession]:
    if not actor.is_staff:
        raise NotFound("not found")
    visible = select(Ticket.id).where(ticket_filter(actor))
    return session.scalars(
        select(ChatSession)
        .where(ChatSession.ticket_id.in_(visible))
        .order_by(ChatSession.id.desc())
        .limit(limit)
    ).all()
