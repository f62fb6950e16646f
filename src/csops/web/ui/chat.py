"""UI routes of live chat: the widget's script and style, its event stream, and the staff
list of recent chats.

GET /widget/chat.js and /widget/chat.css — the embeddable widget, redirected to /static (one tag:
  `<script src="https://desk/widget/chat.js" data-title="..." data-color="#..." async>`).
GET /widget/chat/{chat_token}/stream — SSE for one conversation, bound to the signed chat
  token (no cookie): event `message` (JSON of a public message), event `followup` (the
  email follow-up offer). It reuses the live feed's polling loop (web/ui/live.py).
GET /chats (staff) — recent conversations, each linking to its ticket.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.params import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from sse_starlette import EventSourceResponse, ServerSentEvent

from csops.domains.chat import service
from csops.domains.chat.models import ChatSession
from csops.domains.live.models import LiveEvent
from csops.errors import NotFound
from csops.web.api.chat import cors_headers
from csops.web.deps import SessionDep
from csops.web.ui import live
from csops.web.ui.auth import sidebar_views
from csops.web.ui.common import StaffPage, locale_for
from csops.web.ui.flash import show

router = APIRouter()
Token = Annotated[str, PathParam(min_length=10, max_length=500)]
ASSET_HEADERS = {
    "Cache-Control": "public, max-age=300",
    "Cross-Origin-Resource-Policy": "cross-origin",
}


def _asset(name: str) -> RedirectResponse:
    """The widget's files live under /static (cached there); this short URL is the one
    sites embed, so the files can move without breaking embeds."""
    return RedirectResponse(f"/static/widget/{name}", status_code=307)


@router.get("/widget/chat.js")
def chat_script() -> RedirectResponse:
    return _asset("chat.js")


@router.get("/widget/chat.css")
def chat_style() -> RedirectResponse:
    return _asset("chat.css")


def chat_renderer(chat_id: int, ticket_id: int) -> live.Renderer:
    def render(session: Session, row: LiveEvent) -> list[ServerSentEvent]:
        if row.payload.get("ticket_id") != ticket_id:
            return []
        action = row.payload.get("action")
        if action == "chat-followup":
            return [ServerSentEvent("{}", event="followup", id=str(row.id))]
        message_id = row.payload.get("message_id")
        if action != "message" or row.payload.get("public") is not True:
            return []  # internal notes never reach the visitor
        if not isinstance(message_id, int):
            return []
        chat = session.get(ChatSession, chat_id)
        if chat is None:
            return []
        found = service.transcript(session, chat=chat, after_id=message_id - 1)
        if not found or found[0].id != message_id:
            return []
        data = service.message_out(found[0]).model_dump_json()
        return [ServerSentEvent(data, event="message", id=str(row.id))]

    return render


@router.get("/widget/chat/{chat_token}/stream")
def chat_stream(
    chat_token: Token, request: Request, session: SessionDep, after: int | None = None
) -> Response:
    try:
        chat = service.chat_from(session, chat_token)
    except NotFound:
        return Response(
            "no such chat", status_code=404, media_type="text/html", headers=cors_headers(request)
        )
    feed = live.Feed(
        engine=request.app.state.engine,
        locale=locale_for(request, None),
        renderer=chat_renderer(chat.id, chat.ticket_id),
        cookie=None,
    )
    return EventSourceResponse(
        live.stream(request, feed, live.start_after(request, session, after)),
        ping=live.PING_SECONDS,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no", **cors_headers(request)},
    )


@router.get("/chats")
def chats(page: StaffPage, session: SessionDep) -> Response:
    rows = service.recent_chats(session, actor=page.actor)
    return show(page, "chat/list.html", chats=rows, views=sidebar_views(session, page))
