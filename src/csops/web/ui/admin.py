"""UI routes: admin pages for users, teams, services, organizations and API tokens.

Admins only: other staff get 403, anyone not signed in as staff is sent to /login. Every
form posts with the session's CSRF token and answers 303 + a flash; a form that fails
validation is shown again with its values and the reason (422, or 409 for a duplicate).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from csops.domains.accounts import auth
from csops.domains.accounts import service as accounts
from csops.domains.accounts.models import Role, Team, Tier
from csops.domains.accounts.schemas import (
    SCOPES,
    OrganizationCreate,
    ServiceCreate,
    TeamCreate,
    TeamUpdate,
    TokenCreate,
    UserCreate,
    UserUpdate,
)
from csops.errors import Conflict, CsopsError, Invalid, NotFound, PermissionDenied
from csops.i18n.labels import N_
from csops.web.deps import SessionDep
from csops.web.ui.auth import Text, ints, sidebar_views
from csops.web.ui.common import Page, StaffPage, problem_text
from csops.web.ui.flash import flash_redirect, show

router = APIRouter(prefix="/admin")
# Role and tier names are shown through the `label` filter; marked here so extraction keeps them.
LABELS = (N_("Agent"), N_("Engineer"), N_("Manager"), N_("Admin"))
TIERS = (N_("Free"), N_("Standard"), N_("Premium"), N_("Enterprise"))
FormError = (ValidationError, CsopsError)
Ids = Annotated[list[str], Form()]


def admin_page(page: StaffPage) -> Page:
    if not page.actor.is_admin:
        raise PermissionDenied("only an admin may open the admin pages")
    return page


AdminPage = Annotated[Page, Depends(admin_page)]


def _status(exc: Exception) -> int:
    return 409 if isinstance(exc, Conflict) else 422


def _show(page: Page, session: Session, name: str, status: int = 200, **extra: Any) -> Response:
    return show(page, name, status, views=sidebar_views(session, page), **extra)


def _failed(exc: Exception) -> dict[str, Any]:
    return {"status": _status(exc), "error": problem_text(exc)}


# Users ---------------------------------------------------------------------------------


def _users(page: Page, session: Session, status: int = 200, **extra: Any) -> Response:
    return _show(
        page,
        session,
        "admin/users.html",
        status,
        users=accounts.list_users(session, actor=page.actor),
        teams=accounts.list_teams(session, actor=page.actor),
        roles=list(Role),
        form=extra.pop("form", {"role": "agent"}),
        **extra,
    )


@router.get("/users")
def users(page: AdminPage, session: SessionDep) -> Response:
    return _users(page, session)


@router.post("/users")
def user_create(
    page: AdminPage,
    session: SessionDep,
    email: Text = "",
    name: Text = "",
    role: Text = "agent",
    password: Text = "",
    team_ids: Ids = [],  # noqa: B006 (FastAPI copies defaults)
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    form = {"email": email, "name": name, "role": role, "team_ids": ints(team_ids)}
    try:
        data = UserCreate.model_validate(
            {
                "email": email,
                "name": name,
                "role": role,
                "password": password or None,
                "team_ids": ints(team_ids),
            }
        )
        with session.begin_nested():
            accounts.create_user(session, data=data, actor=page.actor)
    except FormError as exc:
        return _users(page, session, form=form, **_failed(exc))
    return flash_redirect(page.request, "/admin/users", "user-created")


def _user_page(
    page: Page, session: Session, user_id: int, status: int = 200, **extra: Any
) -> Response:
    return _show(
        page,
        session,
        "admin/user_edit.html",
        status,
        user=accounts.get_user(session, user_id=user_id, actor=page.actor),
        teams=accounts.list_teams(session, actor=page.actor),
        roles=list(Role),
        **extra,
    )


@router.get("/users/{user_id}")
def user_edit(page: AdminPage, session: SessionDep, user_id: int) -> Response:
    return _user_page(page, session, user_id)


@router.post("/users/{user_id}")
def user_save(
    page: AdminPage,
    session: SessionDep,
    user_id: int,
    name: Text = "",
    role: Text = "agent",
    is_active: Text = "",
    password: Text = "",
    team_ids: Ids = [],  # noqa: B006 (FastAPI copies defaults)
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    user = accounts.get_user(session, user_id=user_id, actor=page.actor)
    try:
        data = UserUpdate.model_validate(
            {"name": name, "role": role, "is_active": bool(is_active), "team_ids": ints(team_ids)}
        )
        if user.id == page.actor.id and (data.role != Role.admin or not data.is_active):
            raise Invalid(N_("You cannot remove your own admin access"))
        if password and user.id == page.actor.id:
            raise Invalid(N_("Change your own password in Settings"))
        with session.begin_nested():
            accounts.update_user(session, user_id=user.id, data=data, actor=page.actor)
            if password:
                accounts.change_user_password(
                    session, user=user, current=None, new=password, actor=page.actor
                )
    except FormError as exc:
        session.refresh(user)
        return _user_page(page, session, user_id, **_failed(exc))
    return flash_redirect(page.request, f"/admin/users/{user_id}", "user-saved")


# Teams ---------------------------------------------------------------------------------


def _team(session: Session, page: Page, team_id: int) -> Team:
    for team in accounts.list_teams(session, actor=page.actor):
        if team.id == team_id:
            return team
    raise NotFound(f"team {team_id} not found")


def _teams(page: Page, session: Session, status: int = 200, **extra: Any) -> Response:
    return _show(
        page,
        session,
        "admin/teams.html",
        status,
        teams=accounts.list_teams(session, actor=page.actor),
        users=accounts.list_users(session, actor=page.actor),
        form=extra.pop("form", {}),
        **extra,
    )


@router.get("/teams")
def teams(page: AdminPage, session: SessionDep) -> Response:
    return _teams(page, session)


@router.post("/teams")
def team_create(
    page: AdminPage,
    session: SessionDep,
    name: Text = "",
    description: Text = "",
    member_ids: Ids = [],  # noqa: B006 (FastAPI copies defaults)
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    form = {"name": name, "description": description, "member_ids": ints(member_ids)}
    try:
        data = TeamCreate(name=name, description=description, member_ids=ints(member_ids))
        with session.begin_nested():
            accounts.create_team(session, data=data, actor=page.actor)
    except FormError as exc:
        return _teams(page, session, form=form, **_failed(exc))
    return flash_redirect(page.request, "/admin/teams", "team-created")


def _team_page(
    page: Page, session: Session, team_id: int, status: int = 200, **extra: Any
) -> Response:
    return _show(
        page,
        session,
        "admin/team_edit.html",
        status,
        team=_team(session, page, team_id),
        users=accounts.list_users(session, actor=page.actor),
        **extra,
    )


@router.get("/teams/{team_id}")
def team_edit(page: AdminPage, session: SessionDep, team_id: int) -> Response:
    return _team_page(page, session, team_id)


@router.post("/teams/{team_id}")
def team_save(
    page: AdminPage,
    session: SessionDep,
    team_id: int,
    name: Text = "",
    description: Text = "",
    member_ids: Ids = [],  # noqa: B006 (FastAPI copies defaults)
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    team = _team(session, page, team_id)
    try:
        data = TeamUpdate(name=name, description=description, member_ids=ints(member_ids))
        with session.begin_nested():
            accounts.update_team(session, team_id=team.id, data=data, actor=page.actor)
    except FormError as exc:
        session.refresh(team)
        return _team_page(page, session, team_id, **_failed(exc))
    return flash_redirect(page.request, f"/admin/teams/{team_id}", "team-saved")


# Services and organizations ------------------------------------------------------------


def _services(page: Page, session: Session, status: int = 200, **extra: Any) -> Response:
    return _show(
        page,
        session,
        "admin/services.html",
        status,
        services=accounts.list_services(session, actor=page.actor),
        teams=accounts.list_teams(session, actor=page.actor),
        form=extra.pop("form", {}),
        **extra,
    )


@router.get("/services")
def services(page: AdminPage, session: SessionDep) -> Response:
    return _services(page, session)


@router.post("/services")
def service_create(
    page: AdminPage,
    session: SessionDep,
    name: Text = "",
    slug: Text = "",
    description: Text = "",
    owning_team_id: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    team_ids = ints([owning_team_id])
    form = {"name": name, "slug": slug, "description": description, "owning_team_id": team_ids}
    try:
        data = ServiceCreate(
            name=name,
            slug=slug.strip() or None,
            description=description,
            owning_team_id=team_ids[0] if team_ids else None,
        )
        with session.begin_nested():
            accounts.create_service(session, data=data, actor=page.actor)
    except FormError as exc:
        return _services(page, session, form=form, **_failed(exc))
    return flash_redirect(page.request, "/admin/services", "service-created")


def _organizations(page: Page, session: Session, status: int = 200, **extra: Any) -> Response:
    return _show(
        page,
        session,
        "admin/organizations.html",
        status,
        organizations=accounts.list_organizations(session, actor=page.actor),
        tiers=list(Tier),
        form=extra.pop("form", {"tier": "standard"}),
        **extra,
    )


@router.get("/organizations")
def organizations(page: AdminPage, session: SessionDep) -> Response:
    return _organizations(page, session)


@router.post("/organizations")
def organization_create(
    page: AdminPage,
    session: SessionDep,
    name: Text = "",
    domain: Text = "",
    tier: Text = "standard",
    notes: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    form = {"name": name, "domain": domain, "tier": tier, "notes": notes}
    try:
        data = OrganizationCreate.model_validate(
            {"name": name, "domain": domain.strip().lower() or None, "tier": tier, "notes": notes}
        )
        with session.begin_nested():
            accounts.create_organization(session, data=data, actor=page.actor)
    except FormError as exc:
        return _organizations(page, session, form=form, **_failed(exc))
    return flash_redirect(page.request, "/admin/organizations", "organization-created")


# API tokens ----------------------------------------------------------------------------


def _tokens(page: Page, session: Session, status: int = 200, **extra: Any) -> Response:
    return _show(
        page,
        session,
        "admin/tokens.html",
        status,
        tokens=auth.list_tokens(session, actor=page.actor),
        scopes=SCOPES,
        form=extra.pop("form", {"scopes": ["tickets:read", "tickets:write"]}),
        **extra,
    )


@router.get("/tokens")
def tokens(page: AdminPage, session: SessionDep) -> Response:
    return _tokens(page, session)


@router.post("/tokens")
def token_create(
    page: AdminPage,
    session: SessionDep,
    name: Text = "",
    scopes: Ids = [],  # noqa: B006 (FastAPI copies defaults)
    csrf_token: Text = "",
) -> Response:
    """The token is in this response only: it is stored as a hash and never shown again."""
    page.check_csrf(csrf_token)
    assert page.actor.id is not None  # noqa: S101 (a signed-in user has an id)
    try:
        data = TokenCreate(name=name, scopes=_scopes(scopes))
        me = accounts.get_user(session, user_id=page.actor.id, actor=page.actor)
        with session.begin_nested():
            token, raw = auth.create_token(session, user=me, data=data, actor=page.actor)
    except FormError as exc:
        return _tokens(page, session, form={"name": name, "scopes": scopes}, **_failed(exc))
    response = _show(page, session, "admin/token_created.html", token=token, raw=raw)
    response.headers["Cache-Control"] = "no-store"
    return response


def _scopes(values: Sequence[str]) -> list[str]:
    return sorted({value for value in values if value in SCOPES})


@router.post("/tokens/{token_id}/revoke")
def token_revoke(
    page: AdminPage,
    session: SessionDep,
    token_id: int,
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    auth.revoke_token(session, token_id=token_id, actor=page.actor)
    return flash_redirect(page.request, "/admin/tokens", "token-revoked")
