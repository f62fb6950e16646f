"""API routes: SLA state of a ticket, SLA policies (ordered) and business calendars."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from csops.domains.sla import service
from csops.domains.sla.schemas import (
    CalendarIn,
    CalendarOut,
    PolicyIn,
    PolicyOut,
    PolicyPatch,
    TicketSlaOut,
)
from csops.web.api.idempotency import Created, IdempotencyDep
from csops.web.api.pagination import Id
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import StaffTicketsReader, StaffTicketsWriter
from csops.web.deps import SessionDep

router = APIRouter(tags=["sla"], route_class=ApiRoute)


@router.get(
    "/tickets/{ticket_id}/sla", response_model=TicketSlaOut, summary="A ticket's live SLA state"
)
def ticket_sla(ticket_id: Id, session: SessionDep, actor: StaffTicketsReader) -> TicketSlaOut:
    return service.ticket_state(session, ticket_id=ticket_id, actor=actor)


@router.get("/sla/policies", response_model=list[PolicyOut], summary="SLA policies, in order")
def list_policies(session: SessionDep, actor: StaffTicketsReader) -> list[PolicyOut]:
    return [PolicyOut.model_validate(p) for p in service.list_policies(session, actor=actor)]


@router.post(
    "/sla/policies", status_code=201, response_model=PolicyOut, summary="Add an SLA policy"
)
def create_policy(
    data: PolicyIn, session: SessionDep, actor: StaffTicketsWriter, idem: IdempotencyDep
) -> Response:
    def work() -> Created:
        policy = service.create_policy(session, data=data, actor=actor)
        return Created(PolicyOut.model_validate(policy), 201, {})

    return idem.run(session, work)


@router.get("/sla/policies/{policy_id}", response_model=PolicyOut, summary="One SLA policy")
def get_policy(policy_id: Id, session: SessionDep, actor: StaffTicketsReader) -> PolicyOut:
    return PolicyOut.model_validate(service.get_policy(session, policy_id))


@router.patch("/sla/policies/{policy_id}", response_model=PolicyOut, summary="Change an SLA policy")
def update_policy(
    policy_id: Id, data: PolicyPatch, session: SessionDep, actor: StaffTicketsWriter
) -> PolicyOut:
    policy = service.update_policy(session, policy_id=policy_id, data=data, actor=actor)
    return PolicyOut.model_validate(policy)


@router.delete("/sla/policies/{policy_id}", status_code=204, summary="Delete an SLA policy")
def delete_policy(policy_id: Id, session: SessionDep, actor: StaffTicketsWriter) -> Response:
    service.delete_policy(session, policy_id=policy_id, actor=actor)
    return Response(status_code=204)


@router.get("/sla/calendars", response_model=list[CalendarOut], summary="Business calendars")
def list_calendars(session: SessionDep, actor: StaffTicketsReader) -> list[CalendarOut]:
    return [CalendarOut.model_validate(c) for c in service.list_calendars(session)]


@router.post(
    "/sla/calendars", status_code=201, response_model=CalendarOut, summary="Add a calendar"
)
def create_calendar(
    data: CalendarIn, session: SessionDep, actor: StaffTicketsWriter, idem: IdempotencyDep
) -> Response:
    def work() -> Created:
        row = service.save_calendar(session, data=data, actor=actor)
        return Created(CalendarOut.model_validate(row), 201, {})

    return idem.run(session, work)


@router.put(
    "/sla/calendars/{calendar_id}", response_model=CalendarOut, summary="Replace a calendar"
)
def replace_calendar(
    calendar_id: Id, data: CalendarIn, session: SessionDep, actor: StaffTicketsWriter
) -> CalendarOut:
    row = service.save_calendar(session, data=data, actor=actor, calendar_id=calendar_id)
    return CalendarOut.model_validate(row)
