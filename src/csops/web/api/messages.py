"""API routes: a ticket's thread. Replies and notes come as JSON (MessageCreate) or as a
form — multipart/form-data (fields body, body_html, public, status, and files, repeatable)
or urlencoded (the same fields, no files).

Customers only ever get public messages; a customer's message is always public.
Attachment limits (size, count) are the service's: a message over them is a 422 problem
and nothing of it is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from csops.domains.tickets import thread
from csops.domains.tickets.present import message_out
from csops.domains.tickets.schemas import MessageCreate, MessageOut, Upload
from csops.web.api.idempotency import Created, IdempotencyDep
from csops.web.api.pagination import Id, Page, after_id, cut
from csops.web.api.routing import ApiRoute
from csops.web.deps import ActorDep, SessionDep

router = APIRouter(tags=["messages"], route_class=ApiRoute)
FILES_FIELD = "files"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
MAX_FORM_FILES = 50  # parsing bound only; the real per-message limit is the service's


@dataclass(frozen=True)
class MessageInput:
    data: MessageCreate
    uploads: list[Upload]


def _invalid(exc: ValidationError) -> RequestValidationError:
    errors = exc.errors(include_url=False, include_context=False)
    return RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors])


async def _from_form(request: Request) -> MessageInput:
    await request.body()  # kept, so the Idempotency-Key fingerprint can read it too
    form = await request.form(max_files=MAX_FORM_FILES, max_fields=50)
    fields: dict[str, Any] = {}
    uploads: list[Upload] = []
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            if name != FILES_FIELD:
                fields[name] = "(a file)"  # rejected below as an unknown field
                continue
            data = await value.read()
            uploads.append(
                Upload(
                    filename=value.filename or "attachment",
                    content_type=value.content_type or "",
                    data=data,
                )
            )
        elif name != FILES_FIELD:
            fields[name] = value
    await form.close()
    try:
        return MessageInput(MessageCreate.model_validate(fields), uploads)
    except ValidationError as exc:
        raise _invalid(exc) from exc


async def message_input(request: Request) -> MessageInput:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in FORM_TYPES:
        return await _from_form(request)
    if content_type and content_type != "application/json" and not content_type.endswith("+json"):
        raise HTTPException(415, "send JSON, multipart/form-data or a urlencoded form")
    try:
        return MessageInput(MessageCreate.model_validate_json(await request.body()), [])
    except ValidationError as exc:
        raise _invalid(exc) from exc


def _request_body_doc() -> dict[str, Any]:
    schema = MessageCreate.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    form = {
        "type": "object",
        "properties": {
            **schema["properties"],
            FILES_FIELD: {"type": "array", "items": {"type": "string", "format": "binary"}},
        },
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": schema},
                "multipart/form-data": {"schema": form},
            },
        }
    }


@router.get(
    "/{ticket_id}/messages",
    response_model=Page[MessageOut],
    summary="Read a ticket's thread",
)
def list_messages(
    ticket_id: Id,
    session: SessionDep,
    actor: ActorDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
) -> Page[MessageOut]:
    """Oldest first. Customers see public replies only, never internal notes."""
    rows = thread.list_messages(
        session, ticket_id=ticket_id, actor=actor, after_id=after_id(cursor), limit=limit + 1
    )
    items, next_cursor = cut(rows, limit, lambda m: m.id)
    return Page[MessageOut](items=[message_out(m) for m in items], next_cursor=next_cursor)


@router.post(
    "/{ticket_id}/messages",
    status_code=201,
    response_model=MessageOut,
    openapi_extra=_request_body_doc(),
    summary="Reply, or add an internal note",
)
def add_message(
    ticket_id: Id,
    session: SessionDep,
    actor: ActorDep,
    body: Annotated[MessageInput, Depends(message_input)],
    idem: IdempotencyDep,
) -> Response:
    """`public: false` makes an internal note (staff only). Attachments go in `files`."""

    def work() -> Created:
        message = thread.add_message(
            session, ticket_id=ticket_id, data=body.data, actor=actor, uploads=body.uploads
        )
        return Created(message_out(message), 201)

    return idem.run(session, work)
