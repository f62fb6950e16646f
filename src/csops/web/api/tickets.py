"""API routes: tickets — create, list (filters, search, sort, cursor), read, update, merge,
history. The thread lives in messages.py, mounted under the same prefix.

Reads answer with an ETag; a PATCH with If-Match that no longer matches is a 412 problem.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from pydantic import Field

from csops.domains.tickets import merge, service, views
from csops.domains.tickets.models import Ticket
from csops.domains.tickets.present import ticket_out
from csops.domains.tickets.schemas import (
    EventOut,
    MergeRequest,
    TicketCreate,
    TicketOut,
    TicketUpdate,
)
from csops.web.api import messages
from csops.web.api.idempotency import Created, IdempotencyDep
from csops.web.api.pagination import Id, Page
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import StaffTicketsWriter
from csops.web.deps import ActorDep, SessionDep, commit_with

router = APIRouter(prefix="/tickets", tags=["tickets"], route_class=ApiRoute)
PROBLEMS: dict[int | str, dict[str, str]] = {
    401: {"description": "Not signed in (problem+json)"},
    403: {"description": "A scope or role is missing (problem+json)"},
    404: {"description": "No such ticket, or not visible to you (problem+json)"},
    422: {"description": "The request is not valid (problem+json)"},
}


class TicketQuery(views.TicketFilters):
    """Filters (every field of a ticket), then sorting and paging."""

    sort: views.SortKey = Field("-updated_at", description="A field, '-' first for descending")
    limit: int = Field(50, ge=1, le=200, description="Tickets per page")
    cursor: str | None = Field(None, max_length=500, description="next_cursor of the last page")
    with_total: bool = Field(False, description="Also count every matching ticket")

    def filters(self) -> views.TicketFilters:
        return views.TicketFilters(
            **{k: getattr(self, k) for k in views.TicketFilters.model_fields}
        )


def ticket_path(ticket: Ticket) -> str:
    return f"/api/v1/tickets/{ticket.id}"


def tickets_page(page: views.Page) -> Page[TicketOut]:
    return Page[TicketOut](
        items=[ticket_out(t) for t in page.items], next_cursor=page.next_cursor, total=page.total
    )


@router.post(
    "", status_code=201, response_model=TicketOut, responses=PROBLEMS, summary="Open a ticket"
)
async def create_ticket(
    data: TicketCreate, session: SessionDep, actor: ActorDep, idem: IdempotencyDep
) -> Response:
    """The description becomes the first message. An unknown requester becomes a customer;
    a customer signed in to the portal is always the requester themself."""

    def work() -> Created:
        ticket = service.create_ticket(session, data=data, actor=actor)
        headers = {"Location": ticket_path(ticket), "ETag": ticket.etag}
        return Created(ticket_out(ticket), 201, headers)

    return await commit_with(session, lambda: idem.run(session, work))


@router.get("", response_model=Page[TicketOut], responses=PROBLEMS, summary="List tickets")
def list_tickets(
    query: Annotated[TicketQuery, Query()], session: SessionDep, actor: ActorDep
) -> Page[TicketOut]:
    """Only tickets you may see. `q` is full-text search (words, "phrases", OR, -word)."""
    page = views.list_tickets(
        session,
        filters=query.filters(),
        actor=actor,
        sort=query.sort,
        limit=query.limit,
        cursor=query.cursor,
        with_total=query.with_total,
    )
    return tickets_page(page)


@router.get(
    "/{ticket_id}",
    response_model=TicketOut,
    responses={**PROBLEMS, 304: {"description": "Unchanged since the ETag you sent"}},
    summary="Read a ticket",
)
def get_ticket(
    ticket_id: Id,
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    if_none_match: Annotated[str | None, Header()] = None,
) -> TicketOut | Response:
    ticket = service.get_ticket(session, ticket_id=ticket_id, actor=actor)
    if if_none_match is not None and if_none_match.strip() in (ticket.etag, "*"):
        return Response(status_code=304, headers={"ETag": ticket.etag})
    response.headers["ETag"] = ticket.etag
    return ticket_out(ticket)


@router.patch(
    "/{ticket_id}",
    response_model=TicketOut,
    responses={**PROBLEMS, 409: {"description": "Transition not allowed"}, 412: {}},
    summary="Change a ticket",
)
def update_ticket(
    ticket_id: Id,
    data: TicketUpdate,
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    if_match: Annotated[
        str | None, Header(description="The ETag you read; 412 if the ticket changed since")
    ] = None,
) -> TicketOut:
    ticket = service.update_ticket(
        session, ticket_id=ticket_id, data=data, actor=actor, if_match=if_match
    )
    response.headers["ETag"] = ticket.etag
    return ticket_out(ticket)


@router.post(
    "/{ticket_id}/merge",
    status_code=200,
    response_model=TicketOut,
    responses=PROBLEMS,
    summary="Merge this ticket into another",
)
def merge_ticket(
    ticket_id: Id,
    data: MergeRequest,
    session: SessionDep,
    actor: StaffTicketsWriter,
    idem: IdempotencyDep,
) -> Response:
    """The thread moves to the target; this ticket is closed with a pointer to it.
    Answers with the target ticket."""

    def work() -> Created:
        target = merge.merge_tickets(
            session, source_id=ticket_id, target_id=data.target_id, actor=actor
        )
        return Created(ticket_out(target), 200, {"Location": ticket_path(target)})

    return idem.run(session, work)


@router.get(
    "/{ticket_id}/events",
    response_model=list[EventOut],
    responses=PROBLEMS,
    summary="A ticket's history (staff only)",
)
def ticket_events(ticket_id: Id, session: SessionDep, actor: ActorDep) -> list[EventOut]:
    events = service.history(session, ticket_id=ticket_id, actor=actor)
    return [EventOut.model_validate(event) for event in events]


router.include_router(messages.router)
