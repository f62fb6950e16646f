"""API routes: on-call schedules, who is on call, overrides, escalation policies, pages,
drills and maintenance windows. Staff read; managers and admins change schedules,
policies and maintenance; admins schedule drills; any staff member may trigger,
acknowledge, join and resolve pages.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import AwareDatetime

from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role, User
from csops.domains.oncall import drills, ical, maintenance, pages, policies, schedules, service
from csops.domains.oncall.schemas import (
    CalendarLinkOut,
    DrillIn,
    DrillOut,
    MaintenanceIn,
    MaintenanceOut,
    OnCallOut,
    OverrideIn,
    OverrideOut,
    PageIn,
    PageOut,
    PageTriggerOut,
    PolicyIn,
    PolicyOut,
    ScheduleIn,
    ScheduleOut,
    ShiftOut,
    SwapIn,
)
from csops.errors import Invalid, NotFound, PermissionDenied
from csops.web.api.pagination import Id
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import scoped
from csops.web.deps import SessionDep

router = APIRouter(prefix="/oncall", tags=["oncall"], route_class=ApiRoute)

Reader = Annotated[Actor, Depends(scoped("oncall:read", staff=True))]
Writer = Annotated[Actor, Depends(scoped("oncall:write", staff=True))]
MAX_RANGE = timedelta(days=92)


def manager(actor: Writer) -> Actor:
    if actor.role not in (Role.manager, Role.admin):
        raise PermissionDenied("only managers and admins may change this")
    return actor


Manager = Annotated[Actor, Depends(manager)]


def admin(actor: Writer) -> Actor:
    if actor.role != Role.admin:
        raise PermissionDenied("only admins schedule drills")
    return actor


Admin = Annotated[Actor, Depends(admin)]


# --- schedules ---------------------------------------------------------------------------


@router.get("/schedules", response_model=list[ScheduleOut], summary="List schedules")
def list_schedules(
    session: SessionDep,
    actor: Reader,
    team_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> list[ScheduleOut]:
    rows = schedules.list_schedules(session, team_id=team_id)
    return [ScheduleOut.model_validate(s) for s in rows]


@router.post("/schedules", status_code=201, response_model=ScheduleOut, summary="Add a schedule")
def create_schedule(data: ScheduleIn, session: SessionDep, actor: Manager) -> ScheduleOut:
    return ScheduleOut.model_validate(schedules.save_schedule(session, data=data))


@router.get("/schedules/{schedule_id}", response_model=ScheduleOut, summary="Read a schedule")
def get_schedule(schedule_id: Id, session: SessionDep, actor: Reader) -> ScheduleOut:
    return ScheduleOut.model_validate(schedules.get_schedule(session, schedule_id))


@router.put("/schedules/{schedule_id}", response_model=ScheduleOut, summary="Replace a schedule")
def update_schedule(
    schedule_id: Id, data: ScheduleIn, session: SessionDep, actor: Manager
) -> ScheduleOut:
    schedule = schedules.save_schedule(session, data=data, schedule_id=schedule_id)
    return ScheduleOut.model_validate(schedule)


@router.delete("/schedules/{schedule_id}", status_code=204, summary="Delete a schedule")
def delete_schedule(schedule_id: Id, session: SessionDep, actor: Manager) -> Response:
    schedules.delete_schedule(session, schedule_id=schedule_id)
    return Response(status_code=204)


def _user_names(session: SessionDep, ids: set[int]) -> dict[int, str]:
    return {i: u.name for i in ids if (u := session.get(User, i)) is not None}


@router.get(
    "/schedules/{schedule_id}/shifts",
    response_model=list[ShiftOut],
    summary="Final shifts over a range (default: the next 14 days)",
)
def list_shifts(
    schedule_id: Id,
    session: SessionDep,
    actor: Reader,
    start: Annotated[AwareDatetime | None, Query()] = None,
    end: Annotated[AwareDatetime | None, Query()] = None,
) -> list[ShiftOut]:
    begin = start or now()
    finish = end or begin + timedelta(days=14)
    if finish <= begin or finish - begin > MAX_RANGE:
        raise Invalid("the range must be positive and at most 92 days")
    schedule = schedules.get_schedule(session, schedule_id)
    found = schedules.final_shifts(session, schedule, begin, finish)
    names = _user_names(session, {s.user for s in found})
    return [
        ShiftOut(user_id=s.user, user_name=names.get(s.user, "?"), start=s.start, end=s.end)
        for s in found
    ]


@router.get(
    "/schedules/{schedule_id}/overrides",
    response_model=list[OverrideOut],
    summary="List a schedule's overrides",
)
def list_overrides(schedule_id: Id, session: SessionDep, actor: Reader) -> list[OverrideOut]:
    schedules.get_schedule(session, schedule_id)
    rows = schedules.list_overrides(session, schedule_id=schedule_id)
    return [OverrideOut.model_validate(o) for o in rows]


@router.post(
    "/schedules/{schedule_id}/overrides",
    status_code=201,
    response_model=OverrideOut,
    summary="Put someone on call instead, from..to",
)
def add_override(
    schedule_id: Id, data: OverrideIn, session: SessionDep, actor: Writer
) -> OverrideOut:
    override = schedules.add_override(session, schedule_id=schedule_id, data=data)
    return OverrideOut.model_validate(override)


@router.post(
    "/schedules/{schedule_id}/swaps",
    status_code=201,
    response_model=list[OverrideOut],
    summary="Swap the shifts covering two instants",
)
def swap(schedule_id: Id, data: SwapIn, session: SessionDep, actor: Writer) -> list[OverrideOut]:
    made = schedules.swap_shifts(session, schedule_id=schedule_id, data=data)
    return [OverrideOut.model_validate(o) for o in made]


@router.delete(
    "/overrides/{override_id}",
    status_code=204,
    summary="Remove an override (both halves of a swap)",
)
def delete_override(override_id: Id, session: SessionDep, actor: Writer) -> Response:
    schedules.delete_override(session, override_id=override_id)
    return Response(status_code=204)


@router.get(
    "/schedules/{schedule_id}/calendar",
    response_model=CalendarLinkOut,
    summary="Signed iCal subscription URL of a schedule",
)
def schedule_calendar(schedule_id: Id, session: SessionDep, actor: Reader) -> CalendarLinkOut:
    schedules.get_schedule(session, schedule_id)
    return CalendarLinkOut(url=ical.feed_url(schedule_id=schedule_id))


@router.get(
    "/users/{user_id}/calendar",
    response_model=CalendarLinkOut,
    summary="Signed iCal subscription URL of one person's shifts (self, managers, admins)",
)
def user_calendar(user_id: Id, session: SessionDep, actor: Reader) -> CalendarLinkOut:
    if actor.id != user_id and actor.role not in (Role.manager, Role.admin):
        raise PermissionDenied("only your own calendar")
    if session.get(User, user_id) is None:
        raise NotFound("user not found")
    return CalendarLinkOut(url=ical.feed_url(user_id=user_id))


@router.get(
    "/calendar/{feed_token}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "iCalendar feed"}},
    summary="iCal feed behind a signed URL (no login: calendar apps subscribe to it)",
)
def calendar_feed(feed_token: str, session: SessionDep) -> Response:
    return Response(ical.render(session, feed_token), media_type="text/calendar; charset=utf-8")


@router.get("/now", response_model=list[OnCallOut], summary="Who is on call now, or at `at`")
def who_is_on_call(
    session: SessionDep,
    actor: Reader,
    team_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    service_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    schedule_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    at: Annotated[AwareDatetime | None, Query()] = None,
) -> list[OnCallOut]:
    return on_call_rows(
        session, team_id=team_id, service_id=service_id, schedule_id=schedule_id, at=at
    )


def on_call_rows(
    session: SessionDep,
    *,
    team_id: int | None,
    service_id: int | None,
    schedule_id: int | None,
    at: datetime | None,
) -> list[OnCallOut]:
    if schedule_id is not None:
        chosen = [schedules.get_schedule(session, schedule_id)]
    else:
        if team_id is None and service_id is not None:
            team_id = schedules.team_of_service(session, service_id)
            if team_id is None:
                return []
        chosen = list(schedules.list_schedules(session, team_id=team_id))
    out = []
    for schedule in chosen:
        uid = schedules.user_on_call(session, schedule, at)
        if uid is None:
            continue
        user = session.get(User, uid)
        out.append(
            OnCallOut(
                schedule_id=schedule.id,
                schedule_name=schedule.name,
                role=schedule.role.value,
                user_id=uid,
                user_name=user.name if user else "?",
            )
        )
    return out


# --- policies ----------------------------------------------------------------------------


@router.get("/policies", response_model=list[PolicyOut], summary="List escalation policies")
def list_policies(session: SessionDep, actor: Reader) -> list[PolicyOut]:
    return [PolicyOut.model_validate(p) for p in policies.list_policies(session)]


@router.post("/policies", status_code=201, response_model=PolicyOut, summary="Add a policy")
def create_policy(data: PolicyIn, session: SessionDep, actor: Manager) -> PolicyOut:
    return PolicyOut.model_validate(policies.save_policy(session, data=data))


@router.get("/policies/{escalation_policy_id}", response_model=PolicyOut, summary="Read a policy")
def get_policy(escalation_policy_id: Id, session: SessionDep, actor: Reader) -> PolicyOut:
    return PolicyOut.model_validate(policies.get_policy(session, escalation_policy_id))


@router.put(
    "/policies/{escalation_policy_id}", response_model=PolicyOut, summary="Replace a policy"
)
def update_policy(
    escalation_policy_id: Id, data: PolicyIn, session: SessionDep, actor: Manager
) -> PolicyOut:
    return PolicyOut.model_validate(
        policies.save_policy(session, data=data, policy_id=escalation_policy_id)
    )


@router.delete("/policies/{escalation_policy_id}", status_code=204, summary="Delete a policy")
def delete_policy(escalation_policy_id: Id, session: SessionDep, actor: Manager) -> Response:
    policies.delete_policy(session, policy_id=escalation_policy_id)
    return Response(status_code=204)


# --- pages -------------------------------------------------------------------------------


@router.get("/pages", response_model=list[PageOut], summary="List pages, newest first")
def list_pages(
    session: SessionDep,
    actor: Reader,
    status: Annotated[str | None, Query(pattern="^(triggered|acknowledged|resolved)$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[PageOut]:
    return [
        PageOut.model_validate(p) for p in pages.list_pages(session, status=status, limit=limit)
    ]


@router.post("/pages", status_code=201, response_model=PageTriggerOut, summary="Trigger a page")
def trigger(data: PageIn, session: SessionDep, actor: Writer) -> PageTriggerOut:
    page = service.trigger_page(
        session,
        title=data.title,
        dedup_key=data.dedup_key,
        service_id=data.service_id,
        team_id=data.team_id,
        incident_id=data.incident_id,
        source="api",
        details=data.details,
    )
    return PageTriggerOut(
        suppressed=page is None, page=PageOut.model_validate(page) if page else None
    )


@router.get("/pages/{page_id}", response_model=PageOut, summary="Read a page")
def get_page(page_id: Id, session: SessionDep, actor: Reader) -> PageOut:
    return PageOut.model_validate(pages.get_page(session, page_id))


@router.post("/pages/{page_id}/acknowledge", response_model=PageOut, summary="Acknowledge")
def acknowledge(page_id: Id, session: SessionDep, actor: Writer) -> PageOut:
    return PageOut.model_validate(pages.acknowledge(session, page_id=page_id, user_id=actor.id))


@router.post("/pages/{page_id}/resolve", response_model=PageOut, summary="Resolve")
def resolve(page_id: Id, session: SessionDep, actor: Writer) -> PageOut:
    return PageOut.model_validate(pages.resolve(session, page_id=page_id, user_id=actor.id))


@router.post("/pages/{page_id}/join", response_model=PageOut, summary="Join the response")
def join(page_id: Id, session: SessionDep, actor: Writer) -> PageOut:
    return PageOut.model_validate(pages.join(session, page_id=page_id, user_id=actor.id))


# --- drills and maintenance --------------------------------------------------------------


@router.get("/drills", response_model=list[DrillOut], summary="List drills with results")
def list_drills(session: SessionDep, actor: Reader) -> list[DrillOut]:
    return [DrillOut.model_validate(d) for d in drills.list_drills(session)]


@router.post("/drills", status_code=201, response_model=DrillOut, summary="Schedule a drill")
def create_drill(data: DrillIn, session: SessionDep, actor: Admin) -> DrillOut:
    drill = drills.schedule_drill(session, data=data, created_by_id=actor.id)
    return DrillOut.model_validate(drill)


@router.post("/drills/{drill_id}/cancel", response_model=DrillOut, summary="Cancel a drill")
def cancel_drill(drill_id: Id, session: SessionDep, actor: Admin) -> DrillOut:
    return DrillOut.model_validate(drills.cancel_drill(session, drill_id=drill_id))


@router.get("/maintenance", response_model=list[MaintenanceOut], summary="Maintenance windows")
def list_maintenance(
    session: SessionDep,
    actor: Reader,
    service_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> list[MaintenanceOut]:
    rows = maintenance.list_windows(session, service_id=service_id)
    return [MaintenanceOut.model_validate(w) for w in rows]


@router.post("/maintenance", status_code=201, response_model=MaintenanceOut, summary="Add a window")
def create_maintenance(data: MaintenanceIn, session: SessionDep, actor: Manager) -> MaintenanceOut:
    return MaintenanceOut.model_validate(maintenance.create_window(session, data=data))


@router.delete("/maintenance/{window_id}", status_code=204, summary="Remove a window")
def delete_maintenance(window_id: Id, session: SessionDep, actor: Manager) -> Response:
    maintenance.delete_window(session, window_id=window_id)
    return Response(status_code=204)
