"""UI routes: staff sign-in and sign-out, the agent's own settings; the cookie plumbing they share.

The pieces every HTML area needs around signing in live here as well, because the portal and
admin pages use exactly the same rules: the login CSRF cookie (a random value in a cookie and
in a hidden field, compared on POST: there is no session yet to hold a token), the session
cookie's flags and the login rate limit. Flash messages are `csops.web.ui.flash`.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from zoneinfo import available_timezones

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from csops.config import Settings
from csops.domains.accounts import auth
from csops.domains.accounts import service as accounts
from csops.domains.accounts.models import PrincipalKind, User
from csops.domains.accounts.schemas import UserUpdate
from csops.domains.tickets.views import all_views
from csops.errors import CsopsError, Invalid, PermissionDenied, RateLimited, Unauthenticated
from csops.i18n.labels import N_
from csops.web.deps import SESSION_COOKIE, OptionalPrincipal, Principal, SessionDep, SettingsDep
from csops.web.templating import render
from csops.web.ui.common import (
    Page,
    StaffPage,
    locale_for,
    problem_text,
    safe_next,
    set_cookie,
)
from csops.web.ui.flash import flash_redirect, redirect, set_flash, show

log = logging.getLogger("csops.web.auth")
router = APIRouter()

FORM_CSRF_COOKIE = "csops_csrf"
LANGUAGES = (("en", "English"), ("zh_Hans", "简体中文"))
TIMEZONES = sorted(available_timezones() | {"UTC"})
MAX_PASSWORD = 1000

Text = Annotated[str, Form()]


# Cookies -------------------------------------------------------------------------------


def set_session_cookie(response: Response, value: str, settings: Settings) -> None:
    set_cookie(response, SESSION_COOKIE, value, settings, max_age=settings.session_hours * 3600)


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def form_csrf_value(request: Request) -> str:
    """The visitor's login CSRF value: kept when present (several tabs), else a new one."""
    current = request.cookies.get(FORM_CSRF_COOKIE, "")
    if 20 <= len(current) <= 64 and current.replace("-", "").replace("_", "").isalnum():
        return current
    return secrets.token_urlsafe(24)


def form_csrf_ok(request: Request, sent: str) -> bool:
    expected = request.cookies.get(FORM_CSRF_COOKIE, "")
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# Form helpers -------------------------------------------------------------------------


def ints(values: list[str]) -> list[int]:
    """Form checkbox ids; junk is ignored rather than turned into an error page."""
    return sorted({int(v) for v in values if v.strip().isdigit()})


def sidebar_views(session: Session, page: Page) -> list[Any]:
    return list(all_views(session, page.actor))


# The login flow, shared with the portal ------------------------------------------------


@dataclass(frozen=True)
class LoginFlow:
    kind: PrincipalKind
    template: str
    login_path: str
    default_next: str
    authenticate: Callable[[Session, str, str], int]

    def signed_in(self, principal: Principal | None) -> bool:
        """Whether the visitor already has a browser session of this flow's kind."""
        if principal is None or principal.login is None:
            return False
        actor = principal.actor
        return actor.is_staff if self.kind == PrincipalKind.user else actor.is_customer


def _staff_id(session: Session, email: str, password: str) -> int:
    return auth.authenticate_user(session, email=email, password=password).id


def _customer_id(session: Session, email: str, password: str) -> int:
    return auth.authenticate_customer(session, email=email, password=password).id


STAFF = LoginFlow(PrincipalKind.user, "auth/login.html", "/login", "/inbox", _staff_id)
CUSTOMERS = LoginFlow(
    PrincipalKind.customer, "portal/login.html", "/portal/login", "/portal", _customer_id
)


def login_page(
    request: Request,
    settings: Settings,
    template: str,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    """A page for someone not signed in, with a login CSRF value in cookie and form."""
    token = form_csrf_value(request)
    locale = locale_for(request, None)
    context = {"me": None, "locale": locale, "csrf_token": token, "path": request.url.path}
    response = render(request.app.state.templates, request, template, context | extra, status_code)
    set_cookie(response, FORM_CSRF_COOKIE, token, settings)
    return response


def refuse_login(
    request: Request,
    session: Session,
    settings: Settings,
    csrf_token: str,
    keys: list[str],
    template: str,
    **form: Any,
) -> Response | None:
    """The form again with the reason when its login CSRF value is wrong (403) or `keys` hit
    the rate limit (429); None when the attempt may go on."""
    if not form_csrf_ok(request, csrf_token):
        error = N_("This form expired. Please try again.")
        return login_page(request, settings, template, 403, error=error, **form)
    try:
        auth.check_login_allowed(
            session,
            keys=keys,
            max_attempts=settings.login_max_attempts,
            window_seconds=settings.login_window_seconds,
        )
    except RateLimited:
        error = N_("Too many attempts, try again later")
        return login_page(request, settings, template, 429, error=error, **form)
    return None


def sign_in(
    request: Request,
    session: Session,
    settings: Settings,
    flow: LoginFlow,
    *,
    email: str,
    password: str,
    csrf_token: str,
    next_path: str,
) -> Response:
    """Checks the form, the rate limit and the password; failures are pages, never raised,
    so that the failed attempt is committed with the response."""
    form = {"email": email[:320], "next": next_path}
    keys = [f"email:{accounts.normalize_email(email)[:320]}", f"ip:{client_ip(request)}"]
    refused = refuse_login(request, session, settings, csrf_token, keys, flow.template, **form)
    if refused is not None:
        return refused
    try:
        if not email or not password or len(password) > MAX_PASSWORD:
            raise Unauthenticated("missing email or password")
        principal_id = flow.authenticate(session, email, password)
    except Unauthenticated:
        auth.record_login_failure(session, keys=keys)
        error = N_("Invalid email or password")
        return login_page(request, settings, flow.template, 401, error=error, **form)
    auth.clear_login_failures(session, keys=keys)
    return start_browser_session(
        request, session, settings, flow.kind, principal_id, safe_next(next_path, flow.default_next)
    )


def start_browser_session(
    request: Request,
    session: Session,
    settings: Settings,
    kind: PrincipalKind,
    principal_id: int,
    target: str,
) -> Response:
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        auth.end_session(session, cookie_value=old)
    new = auth.start_session(
        session, kind=kind, principal_id=principal_id, hours=settings.session_hours
    )
    log.info("signed in", extra={"principal_kind": kind.value, "principal_id": principal_id})
    response = redirect(target)
    set_session_cookie(response, new.cookie_value, settings)
    return response


def sign_out(
    request: Request, session: Session, principal: OptionalPrincipal, csrf_token: str, to: str
) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if principal is not None and principal.login is not None and cookie:
        if not hmac.compare_digest(csrf_token.encode(), principal.login.csrf_token.encode()):
            raise PermissionDenied("missing or wrong CSRF token; reload the page and try again")
        auth.end_session(session, cookie_value=cookie)
    response = redirect(to)
    clear_session_cookie(response)
    return response


# Sign-in routes, for staff here and for customers in the portal -------------------------


def add_login_routes(router: APIRouter, flow: LoginFlow) -> None:
    """GET and POST /login, POST /logout on `router` (staff at /, customers under /portal)."""

    @router.get("/login")
    def login_form(
        request: Request,
        settings: SettingsDep,
        principal: OptionalPrincipal,
        next_path: Annotated[str, Query(alias="next", max_length=2000)] = "",
    ) -> Response:
        if flow.signed_in(principal):
            return redirect(safe_next(next_path, flow.default_next))
        return login_page(request, settings, flow.template, email="", next=next_path)

    @router.post("/login")
    def login_submit(
        request: Request,
        session: SessionDep,
        settings: SettingsDep,
        email: Text = "",
        password: Text = "",
        csrf_token: Text = "",
        next_path: Annotated[str, Form(alias="next")] = "",
    ) -> Response:
        return sign_in(
            request,
            session,
            settings,
            flow,
            email=email,
            password=password,
            csrf_token=csrf_token,
            next_path=next_path,
        )

    @router.post("/logout")
    def logout(
        request: Request, session: SessionDep, principal: OptionalPrincipal, csrf_token: Text = ""
    ) -> Response:
        return sign_out(request, session, principal, csrf_token, flow.login_path)


add_login_routes(router, STAFF)


# The agent's own settings --------------------------------------------------------------


def _me(session: Session, page: Page) -> User:
    assert page.actor.id is not None  # noqa: S101 (a signed-in user has an id)
    return accounts.get_user(session, user_id=page.actor.id, actor=page.actor)


def _account(session: Session, page: Page, status_code: int = 200, **extra: Any) -> Response:
    return show(
        page,
        "auth/account.html",
        status_code,
        user=_me(session, page),
        languages=LANGUAGES,
        timezones=TIMEZONES,
        views=sidebar_views(session, page),
        **extra,
    )


@router.get("/account")
def account(page: StaffPage, session: SessionDep) -> Response:
    return _account(session, page)


@router.post("/account")
def account_save(
    page: StaffPage,
    session: SessionDep,
    settings: SettingsDep,
    name: Text = "",
    locale: Text = "en",
    timezone: Text = "UTC",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    try:
        if timezone not in TIMEZONES:
            raise Invalid(f"unknown time zone {timezone!r}")
        data = UserUpdate(name=name, locale=locale, timezone=timezone)
        with session.begin_nested():
            accounts.update_user(
                session, user_id=_me(session, page).id, data=data, actor=page.actor
            )
    except (ValidationError, CsopsError) as exc:
        return _account(session, page, 422, profile_error=problem_text(exc))
    return flash_redirect(page.request, "/account", "settings-saved")


@router.post("/account/password")
def account_password(
    request: Request,
    page: StaffPage,
    session: SessionDep,
    settings: SettingsDep,
    current: Text = "",
    new: Text = "",
    confirm: Text = "",
    csrf_token: Text = "",
) -> Response:
    """Every session of this user ends; this browser gets a fresh one and stays signed in."""
    page.check_csrf(csrf_token)
    user = _me(session, page)
    try:
        if new != confirm:
            raise Invalid(N_("The two new passwords differ"))
        if len(new) > MAX_PASSWORD:
            raise Invalid(N_("That password is too long"))
        with session.begin_nested():
            accounts.change_user_password(
                session, user=user, current=current, new=new, actor=page.actor
            )
    except CsopsError as exc:
        return _account(session, page, 422, password_error=problem_text(exc))
    response = start_browser_session(
        request, session, settings, PrincipalKind.user, user.id, "/account"
    )
    set_flash(response, request, "password-changed")
    return response
