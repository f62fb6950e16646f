"""API routes: macros (canned replies that can also set fields), and applying one to a
ticket. Staff read and apply them; managers and admins create and change them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from csops.domains.kb import service
from csops.domains.kb.schemas import MacroCreate, MacroOut, MacroUpdate
from csops.domains.tickets.present import ticket_out
from csops.domains.tickets.schemas import TicketOut
from csops.web.api.idempotency import Created, IdempotencyDep
from csops.web.api.pagination import Id
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import StaffTicketsReader, StaffTicketsWriter
from csops.web.deps import SessionDep

router = APIRouter(tags=["macros"], route_class=ApiRoute)


@router.get("/macros", response_model=list[MacroOut], summary="List macros")
def list_macros(
    session: SessionDep,
    actor: StaffTicketsReader,
    include_inactive: Annotated[bool, Query()] = False,
) -> list[MacroOut]:
    rows = service.list_macros(session, actor=actor, active_only=not include_inactive)
    return [service.macro_out(m) for m in rows]


@router.post(
    "/macros",
    status_code=201,
    response_model=MacroOut,
    summary="Add a macro (managers, admins)",
)
def create_macro(
    data: MacroCreate, session: SessionDep, actor: StaffTicketsWriter, idem: IdempotencyDep
) -> Response:
    def work() -> Created:
        macro = service.create_macro(session, data=data, actor=actor)
        return Created(service.macro_out(macro), 201, {"Location": f"/api/v1/macros/{macro.id}"})

    return idem.run(session, work)


@router.get("/macros/{macro_id}", response_model=MacroOut, summary="Read a macro")
def get_macro(macro_id: Id, session: SessionDep, actor: StaffTicketsReader) -> MacroOut:
    return service.macro_out(service.get_macro(session, macro_id=macro_id, actor=actor))


@router.patch(
    "/macros/{macro_id}", response_model=MacroOut, summary="Change a macro (managers, admins)"
)
def update_macro(
    macro_id: Id, data: MacroUpdate, session: SessionDep, actor: StaffTicketsWriter
) -> MacroOut:
    macro = service.update_macro(session, macro_id=macro_id, data=data, actor=actor)
    return service.macro_out(macro)


@router.post(
    "/tickets/{ticket_id}/macros/{macro_id}",
    status_code=200,
    response_model=TicketOut,
    tags=["tickets"],
    summary="Apply a macro to a ticket",
)
def apply_macro(
    ticket_id: Id,
    macro_id: Id,
    session: SessionDep,
    actor: StaffTicketsWriter,
    idem: IdempotencyDep,
) -> Response:
    """Posts the macro's reply (if any) and sets its fields, all or nothing."""

    def work() -> Created:
        ticket = service.apply_macro(session, macro_id=macro_id, ticket_id=ticket_id, actor=actor)
        session.flush()
        return Created(ticket_out(ticket), 200, {"ETag": ticket.etag})

    return idem.run(session, work)
