"""UI routes: who is on call, schedules with a 14-day timeline, pages (acknowledge, join,
resolve), drills and maintenance windows. Staff only, except the signed link from a page
message: GET shows a confirm page, POST acts (the signed token is the authority).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.models import Role, Service, Team, User
from csops.domains.oncall import drills, maintenance, pages, policies, schedules, service
from csops.domains.oncall.schemas import DrillIn, MaintenanceIn, OverrideIn, ScheduleIn
from csops.errors import CsopsError, PermissionDenied
from csops.web.api.pagination import Id
from csops.web.deps import SessionDep, SettingsDep
from csops.web.ui.auth import Text, form_csrf_ok, login_page, sidebar_views
from csops.web.ui.common import Page, StaffPage, problem_text
from csops.web.ui.flash import flash_redirect, redirect, show

router = APIRouter(prefix="/oncall")
FormError = (ValidationError, CsopsError, ValueError)
ACTIONS = ("acknowledge", "resolve", "join")
TIMELINE_DAYS = 14


def _show(page: Page, session: Session, name: str, **extra: Any) -> Response:
    return show(page, name, views=sidebar_views(session, page), **extra)


def _fail(page: Page, url: str, exc: Exception) -> Response:
    return flash_redirect(page.request, url, "not-saved", reason=problem_text(exc))


def _require(page: Page, *roles: Role) -> None:
    if page.actor.role not in roles:
        raise PermissionDenied("your role may not do this")


def _names(session: Session) -> dict[int, str]:
    return {uid: name for uid, name in session.execute(select(User.id, User.name)).all()}


@router.get("")
def overview(page: StaffPage, session: SessionDep) -> Response:
    teams = session.scalars(select(Team).order_by(Team.name)).all()
    rows = [(team, schedules.team_on_call(session, team.id)) for team in teams]
    services = [
        (svc, service.on_call_now(session, service_id=svc.id))
        for svc in session.scalars(select(Service).order_by(Service.name)).all()
    ]
    return _show(
        page,
        session,
        "oncall/overview.html",
        rows=rows,
        services=services,
        names=_names(session),
        schedules=schedules.list_schedules(session),
        policies=policies.list_policies(session),
        teams=teams,
        users=session.scalars(
            select(User).where(User.is_active.is_(True)).order_by(User.name)
        ).all(),
        open_pages=pages.list_pages(session, status="triggered", limit=20),
    )


@router.post("/schedules")
def schedule_create(
    page: StaffPage,
    session: SessionDep,
    name: Text = "",
    team_id: Text = "",
    role: Text = "primary",
    time_zone: Text = "UTC",
    rotation: Text = "weekly",
    shift_hours: Text = "168",
    starts_local: Text = "",
    participant_ids: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    csrf_token: Text = "",
) -> Response:
    """One schedule with one layer; more layers and restrictions through the API."""
    page.check_csrf(csrf_token)
    _require(page, Role.manager, Role.admin)
    raw = {
        "name": name,
        "team_id": team_id or None,
        "role": role,
        "time_zone": time_zone,
        "layers": [
            {
                "participant_ids": participant_ids,
                "rotation": rotation,
                "shift_hours": shift_hours,
                "starts_local": starts_local,
            }
        ],
    }
    try:
        data = ScheduleIn.model_validate(raw)
        with session.begin_nested():
            schedule = schedules.save_schedule(session, data=data)
    except FormError as exc:
        return _fail(page, "/oncall", exc)
    return redirect(f"/oncall/schedules/{schedule.id}")


@router.get("/schedules/{schedule_id}")
def schedule_view(page: StaffPage, session: SessionDep, schedule_id: Id) -> Response:
    schedule = schedules.get_schedule(session, schedule_id)
    start = now().replace(minute=0, second=0, microsecond=0)
    end = start + timedelta(days=TIMELINE_DAYS)
    span = (end - start).total_seconds()
    bars = [
        {
            "shift": s,
            "left": round((max(s.start, start) - start).total_seconds() / span * 100, 2),
            "width": round((min(s.end, end) - max(s.start, start)).total_seconds() / span * 100, 2),
        }
        for s in schedules.final_shifts(session, schedule, start, end)
    ]
    return _show(
        page,
        session,
        "oncall/schedule.html",
        schedule=schedule,
        bars=bars,
        names=_names(session),
        start=start,
        end=end,
        on_call=schedules.user_on_call(session, schedule),
        overrides=schedules.list_overrides(session, schedule_id=schedule.id),
        users=session.scalars(
            select(User).where(User.is_active.is_(True)).order_by(User.name)
        ).all(),
        days=[start + timedelta(days=d) for d in range(TIMELINE_DAYS)],
    )


@router.post("/schedules/{schedule_id}/overrides")
def override_add(
    page: StaffPage,
    session: SessionDep,
    schedule_id: Id,
    user_id: Text = "",
    starts_at: Text = "",
    ends_at: Text = "",
    reason: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    url = f"/oncall/schedules/{schedule_id}"
    try:
        data = OverrideIn.model_validate(
            {"user_id": user_id, "starts_at": starts_at, "ends_at": ends_at, "reason": reason}
        )
        with session.begin_nested():
            schedules.add_override(session, schedule_id=schedule_id, data=data)
    except FormError as exc:
        schedules.get_schedule(session, schedule_id)
        return _fail(page, url, exc)
    return redirect(url)


@router.get("/pages")
def pages_list(page: StaffPage, session: SessionDep, status: str = "") -> Response:
    chosen = status if status in ("triggered", "acknowledged", "resolved") else None
    return _show(
        page,
        session,
        "oncall/pages.html",
        pages=pages.list_pages(session, status=chosen, limit=200),
        status=chosen or "",
        names=_names(session),
    )


@router.get("/pages/{page_id}")
def page_view(page: StaffPage, session: SessionDep, page_id: Id) -> Response:
    row = pages.get_page(session, page_id)
    return _show(
        page,
        session,
        "oncall/page.html",
        p=row,
        notified=pages.notified(session, page_id=row.id),
        names=_names(session),
    )


def _act(session: Session, page_id: Id, action: str, user_id: int | None) -> None:
    if action == "acknowledge":
        pages.acknowledge(session, page_id=page_id, user_id=user_id)
    elif action == "resolve":
        pages.resolve(session, page_id=page_id, user_id=user_id)
    elif action == "join":
        pages.join(session, page_id=page_id, user_id=user_id)
    else:
        raise PermissionDenied("unknown action")


@router.post("/pages/{page_id}/{action}")
def page_act(
    page: StaffPage, session: SessionDep, page_id: Id, action: str, csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    pages.get_page(session, page_id)
    try:
        _act(session, page_id, action, page.actor.id)
    except FormError as exc:
        return _fail(page, "/oncall/pages", exc)
    return redirect(f"/oncall/pages/{page_id}")


def _link_page(
    request: Request, settings: SettingsDep, token: str, done: bool, status: int = 200
) -> Response:
    try:
        page_id, _user_id, action = pages.read_link(token)
    except CsopsError as exc:
        return login_page(request, settings, "oncall/link.html", 400, error=problem_text(exc))
    return login_page(
        request,
        settings,
        "oncall/link.html",
        status,
        token=token,
        page_id=page_id,
        action=action,
        done=done,
    )


@router.get("/link/{link_token}")
def link_confirm(request: Request, settings: SettingsDep, link_token: str) -> Response:
    """The link from a page message: a confirm page, so a mail scanner's GET does nothing."""
    return _link_page(request, settings, link_token, done=False)


@router.post("/link/{link_token}")
def link_act(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    link_token: str,
    csrf_token: Text = "",
) -> Response:
    if not form_csrf_ok(request, csrf_token):
        raise PermissionDenied("this form expired; open the link again")
    try:
        page_id, user_id, action = pages.read_link(link_token)
        if session.get(User, user_id) is None:
            raise PermissionDenied("this link is not valid")
        _act(session, page_id, action, user_id)
    except CsopsError:
        return _link_page(request, settings, link_token, done=False, status=400)
    return _link_page(request, settings, link_token, done=True)


@router.get("/drills")
def drills_list(page: StaffPage, session: SessionDep) -> Response:
    return _show(
        page,
        session,
        "oncall/drills.html",
        drills=drills.list_drills(session),
        teams=session.scalars(select(Team).order_by(Team.name)).all(),
    )


@router.post("/drills")
def drill_create(
    page: StaffPage,
    session: SessionDep,
    team_id: Text = "",
    title: Text = "",
    at: Text = "",
    window_start: Text = "",
    window_end: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    _require(page, Role.admin)
    raw = {
        "team_id": team_id,
        "title": title,
        "at": at or None,
        "window_start": window_start or None,
        "window_end": window_end or None,
    }
    try:
        data = DrillIn.model_validate(raw)
        with session.begin_nested():
            drills.schedule_drill(session, data=data, created_by_id=page.actor.id)
    except FormError as exc:
        return _fail(page, "/oncall/drills", exc)
    return redirect("/oncall/drills")


@router.get("/maintenance")
def maintenance_list(page: StaffPage, session: SessionDep) -> Response:
    return _show(
        page,
        session,
        "oncall/maintenance.html",
        windows=maintenance.list_windows(session),
        services=session.scalars(select(Service).order_by(Service.name)).all(),
        suppressed=maintenance.suppressions(session)[:50],
    )


@router.post("/maintenance")
def maintenance_create(
    page: StaffPage,
    session: SessionDep,
    service_id: Text = "",
    starts_at: Text = "",
    ends_at: Text = "",
    description: Text = "",
    public: Annotated[str, Form()] = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    _require(page, Role.manager, Role.admin)
    raw = {
        "service_id": service_id,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "description": description,
        "public": bool(public),
    }
    try:
        data = MaintenanceIn.model_validate(raw)
        with session.begin_nested():
            maintenance.create_window(session, data=data)
    except FormError as exc:
        return _fail(page, "/oncall/maintenance", exc)
    return redirect("/oncall/maintenance")


@router.post("/maintenance/{window_id}/delete")
def maintenance_delete(
    page: StaffPage, session: SessionDep, window_id: Id, csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    _require(page, Role.manager, Role.admin)
    maintenance.delete_window(session, window_id=window_id)
    return redirect("/oncall/maintenance")
