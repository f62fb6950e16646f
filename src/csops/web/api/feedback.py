"""API routes: CSAT surveys, follow-ups of bad ratings, NPS programs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from csops.domains.feedback import service
from csops.domains.feedback.models import FollowUpStatus
from csops.domains.feedback.schemas import (
    FollowUpOut,
    FollowUpPatch,
    NpsProgramIn,
    NpsProgramOut,
    SurveyOut,
)
from csops.domains.tickets import service as tickets
from csops.errors import NotFound
from csops.web.api.pagination import Id
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import StaffTicketsReader, StaffTicketsWriter
from csops.web.deps import SessionDep

router = APIRouter(tags=["feedback"], route_class=ApiRoute)


@router.get(
    "/tickets/{ticket_id}/survey", response_model=SurveyOut, summary="A ticket's CSAT survey"
)
def ticket_survey(ticket_id: Id, session: SessionDep, actor: StaffTicketsReader) -> SurveyOut:
    tickets.get_ticket(session, ticket_id=ticket_id, actor=actor)
    survey = service.ticket_survey(session, ticket_id=ticket_id)
    if survey is None:
        raise NotFound(f"ticket {ticket_id} has no survey yet")
    return SurveyOut.model_validate(survey)


@router.get("/surveys", response_model=list[SurveyOut], summary="Recent CSAT surveys")
def list_surveys(
    session: SessionDep,
    actor: StaffTicketsReader,
    answered: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[SurveyOut]:
    rows = service.recent(session, limit=limit, answered=answered)
    return [SurveyOut.model_validate(s) for s in rows]


@router.get("/followups", response_model=list[FollowUpOut], summary="Follow-ups of bad ratings")
def list_followups(
    session: SessionDep,
    actor: StaffTicketsReader,
    status: FollowUpStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[FollowUpOut]:
    rows = service.list_followups(session, actor=actor, status=status, limit=limit)
    return [FollowUpOut.model_validate(f) for f in rows]


@router.get("/followups/{followup_id}", response_model=FollowUpOut, summary="One follow-up")
def get_followup(followup_id: Id, session: SessionDep, actor: StaffTicketsReader) -> FollowUpOut:
    return FollowUpOut.model_validate(
        service.get_followup(session, followup_id=followup_id, actor=actor)
    )


@router.patch("/followups/{followup_id}", response_model=FollowUpOut, summary="Update one")
def update_followup(
    followup_id: Id, data: FollowUpPatch, session: SessionDep, actor: StaffTicketsWriter
) -> FollowUpOut:
    followup = service.update_followup(
        session,
        followup_id=followup_id,
        actor=actor,
        status=data.status,
        note=data.note,
        assignee_id=data.assignee_id,
    )
    return FollowUpOut.model_validate(followup)


@router.get("/nps/programs", response_model=list[NpsProgramOut], summary="NPS schedules")
def list_programs(session: SessionDep, actor: StaffTicketsReader) -> list[NpsProgramOut]:
    return [NpsProgramOut.model_validate(p) for p in service.list_programs(session)]


@router.put(
    "/nps/programs/{org_id}", response_model=NpsProgramOut, summary="Set an org's NPS schedule"
)
def set_program(
    org_id: Id, data: NpsProgramIn, session: SessionDep, actor: StaffTicketsWriter
) -> NpsProgramOut:
    program = service.set_program(
        session,
        organization_id=org_id,
        enabled=data.enabled,
        every_days=data.every_days,
        actor=actor,
    )
    return NpsProgramOut.model_validate(program)
