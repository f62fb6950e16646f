"""API routes of the live-chat widget (public, bound to the visitor's signed chat token).

The widget runs on other sites, so every answer carries CORS headers for the allowed
origins (CSOPS_CHAT_ALLOWED_ORIGINS, default any) and OPTIONS answers the preflight. No
cookies are involved: the chat token in the path is the credential.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Request, Response
from fastapi.params import Path
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from csops.config import get_settings
from csops.domains.chat import service
from csops.domains.chat.schemas import (
    ChatMessageOut,
    ChatSay,
    ChatStart,
    ChatStarted,
    ChatState,
    FollowupIn,
)
from csops.errors import CsopsError
from csops.web.api.routing import ApiRoute
from csops.web.deps import SessionDep, commit_with
from csops.web.problems import STATUS_FOR, problem

T = TypeVar("T")
router = APIRouter(prefix="/chat", tags=["chat"], route_class=ApiRoute)
Token = Annotated[str, Path(min_length=10, max_length=500)]
PROBLEMS: dict[int | str, dict[str, str]] = {
    404: {"description": "No such chat, or the token is not valid (problem+json)"},
    409: {"description": "The conversation is closed (problem+json)"},
    422: {"description": "Not valid (problem+json)"},
}


def cors_headers(request: Request) -> dict[str, str]:
    """The CORS headers for the request's Origin (none when that origin is not allowed)."""
    allowed = [o.strip() for o in get_settings().chat_allowed_origins.split(",") if o.strip()]
    origin = request.headers.get("origin", "")
    if "*" in allowed:
        return {"Access-Control-Allow-Origin": "*"}
    if origin and origin in allowed:
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {}


def _cors(request: Request, response: Response) -> None:
    response.headers.update(cors_headers(request))


def _refused(request: Request, exc: CsopsError) -> JSONResponse:
    """The problem answer, with the CORS headers, so the widget can read why."""
    status = next((s for cls, s in STATUS_FOR.items() if isinstance(exc, cls)), 400)
    response = problem(status, exc.detail, code=exc.code)
    response.headers.update(cors_headers(request))
    return response


async def _run(request: Request, session: Session, work: Callable[[], T]) -> T | JSONResponse:
    try:
        return await commit_with(session, work)
    except CsopsError as exc:
        await run_in_threadpool(session.rollback)
        return _refused(request, exc)


def preflight(request: Request) -> Response:
    """The CORS preflight of the widget's calls."""
    headers = {
        **cors_headers(request),
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type",
        "Access-Control-Max-Age": "600",
    }
    return Response(status_code=204, headers=headers)


for _path in (
    "/sessions",
    "/sessions/{chat_token}",
    "/sessions/{chat_token}/messages",
    "/sessions/{chat_token}/followup",
):
    router.add_api_route(
        _path, preflight, methods=["OPTIONS"], status_code=204, summary="CORS preflight"
    )


@router.post(
    "/sessions",
    status_code=201,
    response_model=ChatStarted,
    responses=PROBLEMS,
    summary="Start a chat (a ticket with channel=chat)",
)
async def start(
    data: ChatStart, request: Request, response: Response, session: SessionDep
) -> ChatStarted | JSONResponse:
    """With no email the visitor stays anonymous (a visitor token kept by the widget)."""
    _cors(request, response)

    def work() -> ChatStarted:
        chat, visitor_id = service.start(session, data=data)
        token = service.chat_token(chat)
        current = service.state(session, chat=chat)
        return ChatStarted(
            **current.model_dump(),
            chat_token=token,
            visitor_token=service.visitor_token(visitor_id),
            stream_url=f"/widget/chat/{token}/stream",
        )

    return await _run(request, session, work)


@router.get(
    "/sessions/{chat_token}", response_model=ChatState, responses=PROBLEMS, summary="A chat"
)
def get_state(
    chat_token: Token, request: Request, response: Response, session: SessionDep
) -> ChatState | JSONResponse:
    _cors(request, response)
    try:
        return service.state(session, chat=service.chat_from(session, chat_token))
    except CsopsError as exc:
        return _refused(request, exc)


@router.post(
    "/sessions/{chat_token}/messages",
    status_code=201,
    response_model=ChatMessageOut,
    responses=PROBLEMS,
    summary="The visitor says something",
)
async def say(
    chat_token: Token, data: ChatSay, request: Request, response: Response, session: SessionDep
) -> ChatMessageOut | JSONResponse:
    _cors(request, response)

    def work() -> ChatMessageOut:
        chat = service.chat_from(session, chat_token)
        return service.message_out(service.say(session, chat=chat, body=data.body))

    return await _run(request, session, work)


@router.post(
    "/sessions/{chat_token}/followup",
    response_model=ChatState,
    responses=PROBLEMS,
    summary="The visitor takes the email follow-up",
)
async def followup(
    chat_token: Token, data: FollowupIn, request: Request, response: Response, session: SessionDep
) -> ChatState | JSONResponse:
    _cors(request, response)

    def work() -> ChatState:
        chat = service.chat_from(session, chat_token)
        service.request_followup(session, chat=chat, email=str(data.email) if data.email else None)
        return service.state(session, chat=chat)

    return await _run(request, session, work)
