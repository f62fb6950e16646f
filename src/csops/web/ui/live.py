"""UI routes: live updates over Server-Sent Events (htmx SSE extension on the client).

GET /live/tickets (staff) — the inbox's stream; its query is the inbox's own (view and
filters) plus `after`:
  event `ticket-created`: the rendered <tr> of a new ticket that the agent may see and that
    belongs to this list (the inbox swaps it `afterbegin` into its tbody);
  event `ticket-<id>`: the refreshed <tr> of a visible ticket that changed (each row listens
    for its own event and swaps itself, outerHTML).
GET /live/tickets/{id} (staff or customer; the portal reuses it) — one ticket's stream:
  event `message`: the rendered `.msg` of a new message. A customer never receives an
    internal note: notes are skipped by the event's `public` flag and again by reading the
    message through the customer's own visibility filter;
  event `ticket-changed`: a short notice that the ticket changed, with a reload link.

Streams poll the `live_events` table (csops.domains.live) every POLL_SECONDS from `after`
(or the browser's Last-Event-ID, or the newest event at connect). Each poll runs in a worker
thread with its own short transaction, so an open stream holds no database connection.
Every event carries the live event id, so a reconnecting browser resumes where it stopped.
A stream ends when the client goes away, when its login session ends (checked about every
30 s), or after an hour (the browser reconnects and is authenticated again).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from sse_starlette import EventSourceResponse, ServerSentEvent

from csops import i18n
from csops.db import session_scope
from csops.domains.accounts import auth
from csops.domains.accounts.actor import Actor
from csops.domains.live import service as live
from csops.domains.live.models import LiveEvent
from csops.domains.tickets import service as tickets
from csops.domains.tickets import thread, views
from csops.domains.tickets.models import Ticket
from csops.domains.tickets.views import TicketFilters
from csops.errors import NotFound
from csops.web.deps import SESSION_COOKIE, Principal, PrincipalDep, SessionDep
from csops.web.ui import extensions
from csops.web.ui.common import locale_for
from csops.web.ui.inbox import current_view, inbox_filters

router = APIRouter()

TOPICS = ("tickets",)
POLL_SECONDS = 0.5
SESSION_CHECK_POLLS = 60  # about every 30 s, a stream checks that its login session still exists
PING_SECONDS = 15
MAX_STREAM_SECONDS = 3600
Renderer = Callable[[Session, LiveEvent], list[ServerSentEvent]]


def start_after(request: Request, session: Session, after: int | None) -> int:
    """Where a stream starts: the page's `after`, or the browser's Last-Event-ID, or now."""
    candidates = [after] if after is not None and after >= 0 else []
    last_event = request.headers.get("last-event-id", "")
    if last_event.isdigit():
        candidates.append(int(last_event))
    return max(candidates) if candidates else live.latest_id(session)


@dataclass(frozen=True)
class Feed:
    """What one stream reads, and how it turns live events into SSE events for its viewer."""

    engine: Engine
    locale: str
    renderer: Renderer
    cookie: str | None  # the login session, checked again while streaming; None for tokens

    def poll(self, after: int, check_session: bool) -> tuple[int, list[ServerSentEvent]] | None:
        """(new cursor, events) after `after`; None once the viewer's session has ended."""
        with i18n.use_locale(self.locale), session_scope(self.engine) as session:
            if check_session and self.cookie is not None:
                if auth.load_session(session, cookie_value=self.cookie) is None:
                    return None
            rows = live.since(session, after_id=after, topics=TOPICS)
            events = [event for row in rows for event in self.renderer(session, row)]
            return (rows[-1].id if rows else after), events


async def stream(request: Request, feed: Feed, after: int) -> AsyncIterator[ServerSentEvent]:
    cursor, polls = after, 0
    deadline = anyio.current_time() + MAX_STREAM_SECONDS
    while anyio.current_time() < deadline:
        if await request.is_disconnected():
            return
        check = polls % SESSION_CHECK_POLLS == SESSION_CHECK_POLLS - 1
        result = await anyio.to_thread.run_sync(feed.poll, cursor, check)
        if result is None:
            return  # signed out, or the session was revoked
        cursor, events = result
        polls += 1
        for event in events:
            yield event
        await anyio.sleep(POLL_SECONDS)


def respond(
    request: Request,
    session: Session,
    principal: Principal,
    after: int | None,
    renderer: Renderer,
) -> EventSourceResponse:
    cookie = request.cookies.get(SESSION_COOKIE) if principal.login is not None else None
    feed = Feed(
        engine=request.app.state.engine,
        locale=locale_for(request, principal.actor),
        renderer=renderer,
        cookie=cookie,
    )
    return EventSourceResponse(
        stream(request, feed, start_after(request, session, after)),
        ping=PING_SECONDS,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _fragment(templates: Jinja2Templates, name: str, **context: Any) -> str:
    return templates.get_template(name).render(locale=i18n.get_locale(), **context)


# The inbox --------------------------------------------------------------------------------


def belongs(session: Session, actor: Actor, filters: TicketFilters, ticket: Ticket) -> bool:
    """Whether a ticket is in a list, decided by the list's own query narrowed to that ticket."""
    stamp = ticket.created_at
    if filters.created_after is not None and stamp < filters.created_after:
        return False
    if filters.created_before is not None and stamp >= filters.created_before:
        return False
    narrowed = filters.model_copy(
        update={"created_after": stamp, "created_before": stamp + timedelta(microseconds=1)}
    )
    found = views.list_tickets(session, filters=narrowed, actor=actor, sort="-id", limit=100)
    return any(item.id == ticket.id for item in found.items)


def inbox_renderer(templates: Jinja2Templates, actor: Actor, filters: TicketFilters) -> Renderer:
    def render(session: Session, row: LiveEvent) -> list[ServerSentEvent]:
        ticket_id = row.payload.get("ticket_id")
        if not isinstance(ticket_id, int):
            return []
        try:
            ticket = tickets.get_ticket(session, ticket_id=ticket_id, actor=actor)
        except NotFound:
            return []
        badges = extensions.inbox_row_badges(session, [ticket], actor)
        if row.payload.get("action") == "created":
            if not belongs(session, actor, filters, ticket):
                return []
            html = _fragment(
                templates, "tickets/_row.html", ticket=ticket, arrived=True, badges=badges
            )
            return [ServerSentEvent(html, event="ticket-created", id=str(row.id))]
        html = _fragment(templates, "tickets/_row.html", ticket=ticket, badges=badges)
        return [ServerSentEvent(html, event=f"ticket-{ticket.id}", id=str(row.id))]

    return render


@router.get("/live/tickets")
def inbox_stream(
    request: Request, principal: PrincipalDep, session: SessionDep, after: int | None = None
) -> EventSourceResponse:
    actor = principal.actor
    if not actor.is_staff:
        raise NotFound("not found")
    params = request.query_params
    filters = inbox_filters(current_view(session, actor, params), params)
    renderer = inbox_renderer(request.app.state.templates, actor, filters)
    return respond(request, session, principal, after, renderer)


# One ticket -------------------------------------------------------------------------------


def _message_event(
    templates: Jinja2Templates, session: Session, actor: Actor, ticket_id: int, row: LiveEvent
) -> list[ServerSentEvent]:
    message_id = row.payload.get("message_id")
    if not isinstance(message_id, int):
        return []
    if actor.is_customer and row.payload.get("public") is not True:
        return []  # an internal note: never to a customer
    try:
        found = thread.list_messages(
            session, ticket_id=ticket_id, actor=actor, after_id=message_id - 1, limit=1
        )
    except NotFound:
        return []
    if not found or found[0].id != message_id:
        return []
    html = _fragment(
        templates, "tickets/_message.html", message=found[0], staff=actor.is_staff, arrived=True
    )
    return [ServerSentEvent(html, event="message", id=str(row.id))]


def ticket_renderer(templates: Jinja2Templates, actor: Actor, ticket_id: int) -> Renderer:
    def render(session: Session, row: LiveEvent) -> list[ServerSentEvent]:
        if row.payload.get("ticket_id") != ticket_id:
            return []
        action = row.payload.get("action")
        events = []
        if action == "message":
            events = _message_event(templates, session, actor, ticket_id, row)
        # A message moves the ticket on too (its version, maybe its status): an agent's open
        # properties form is now stale, so say so rather than let it undo the change.
        if action == "updated" or (events and actor.is_staff):
            html = _fragment(templates, "tickets/_changed.html", ticket_id=ticket_id)
            events.append(ServerSentEvent(html, event="ticket-changed", id=str(row.id)))
        return events

    return render


@router.get("/live/tickets/{ticket_id}")
def ticket_stream(
    ticket_id: int,
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    after: int | None = None,
) -> EventSourceResponse:
    actor = principal.actor
    tickets.get_ticket(session, ticket_id=ticket_id, actor=actor)
    renderer = ticket_renderer(request.app.state.templates, actor, ticket_id)
    return respond(request, session, principal, after, renderer)
