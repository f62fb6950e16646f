"""UI routes: staff sign-in and sign-out, the agent's own settings; the cookie plumbing they share.

The pieces every HTML area needs around signing in live here as well, because the portal and
admin pages use exactly the same rules: the login CSRF cookie (a random value in a cookie and
in a hidden field, compared on POST: there is no session yet to hold a token), the session
cookie's flags, the login rate limit, and one-shot flash messages carried by a short-lived
cookie holding a *code* (never text a visitor could forge).
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
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from csops import i18n
from csops.config import Settings
from csops.domains.accounts import auth
from csops.domains.accounts import service as accounts
from csops.domains.accounts.models import PrincipalKind, User
from csops.domains.accounts.schemas import UserUpdate
from csops.domains.tickets.views import all_views
from csops.errors import CsopsError, Invalid, PermissionDenied, RateLimited, Unauthenticated
from csops.i18n.labels import N_
from csops.web.deps import SESSION_COOKIE, OptionalPrincipal, SessionDep, SettingsDep
from csops.web.templating import render
from csops.web.ui.common import Page, StaffPage, locale_for, safe_next

log = logging.getLogger("csops.web.auth")
router = APIRouter()

FORM_CSRF_COOKIE = "csops_csrf"
FLASH_COOKIE = "csops_flash"
LANGUAGES = (("en", "English"), ("zh_Hans", "简体中文"))
TIMEZONES = sorted(available_timezones() | {"UTC"})
MAX_PASSWORD = 1000

FLASHES: dict[str, tuple[str, str]] = {
    "settings-saved": ("ok", N_("Your settings were saved")),
    "password-changed": ("ok", N_("Password changed; your other sessions were signed out")),
    "request-received": ("ok", N_("Your request has been received")),
    "reply-sent": ("ok", N_("Your reply was sent")),
    "request-closed": ("ok", N_("Your request was marked as solved")),
    "user-created": ("ok", N_("User created")),
    "user-saved": ("ok", N_("User saved")),
    "team-created": ("ok", N_("Team created")),
    "team-saved": ("ok", N_("Team saved")),
    "service-created": ("ok", N_("Service created")),
    "organization-created": ("ok", N_("Organization created")),
    "token-revoked": ("ok", N_("Token revoked")),
    "link-sent": ("info", N_("If the address is known, a sign-in link was sent to it.")),
}

Text = Annotated[str, Form()]


# Cookies -------------------------------------------------------------------------------


def _cookie(response: Response, name: str, value: str, settings: Settings, **kw: Any) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
        **kw,
    )


def set_session_cookie(response: Response, value: str, settings: Settings) -> None:
    _cookie(response, SESSION_COOKIE, value, settings, max_age=settings.session_hours * 3600)


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


# Flash messages ------------------------------------------------------------------------


def redirect(url: str, flash: str | None = None, settings: Settings | None = None) -> Response:
    response = RedirectResponse(url, status_code=303)
    if flash is not None and settings is not None:
        _cookie(response, FLASH_COOKIE, flash, settings, max_age=60)
    return response


def take_flashes(request: Request, locale: str) -> list[tuple[str, str]]:
    found = FLASHES.get(request.cookies.get(FLASH_COOKIE, ""))
    if found is None:
        return []
    with i18n.use_locale(locale):
        return [(found[0], i18n.gettext(found[1]))]


def show(page: Page, name: str, status_code: int = 200, **extra: Any) -> Response:
    """Renders a signed-in page with any pending flash, then forgets the flash."""
    flashes = take_flashes(page.request, page.locale) + list(extra.pop("flashes", []))
    response = page.render(name, status_code, flashes=flashes, **extra)
    if FLASH_COOKIE in page.request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def problem_text(exc: Exception) -> str:
    """A short, human message for a failed form: pydantic's first errors or the domain detail."""
    if isinstance(exc, ValidationError):
        parts = []
        for err in exc.errors()[:3]:
            where = ".".join(str(p) for p in err.get("loc", ()))
            parts.append(f"{where}: {err['msg']}" if where else str(err["msg"]))
        return "; ".join(parts)
    if isinstance(exc, CsopsError):
        return exc.detail
    return str(exc)


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
    default_next: str
    authenticate: Callable[[Session, str, str], int]


def _staff_id(session: Session, email: str, password: str) -> int:
    return auth.authenticate_user(session, email=email, password=password).id


def _customer_id(session: Session, email: str, password: str) -> int:
    return auth.authenticate_customer(session, email=email, password=password).id


STAFF = LoginFlow(PrincipalKind.user, "auth/login.html", "/inbox", _staff_id)
CUSTOMERS = LoginFlow(PrincipalKind.customer, "portal/login.html", "/portal", _customer_id)


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
    _cookie(response, FORM_CSRF_COOKIE, token, settings)
    return response


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
    if not form_csrf_ok(request, csrf_token):
        error = N_("This form expired. Please try again.")
        return login_page(request, settings, flow.template, 403, error=error, **form)
    keys = [f"email:{accounts.normalize_email(email)[:320]}", f"ip:{client_ip(request)}"]
    try:
        auth.check_login_allowed(
            session,
            keys=keys,
            max_attempts=settings.login_max_attempts,
            window_seconds=settings.login_window_seconds,
        )
    except RateLimited:
        error = N_("Too many attempts, try again later")
        return login_page(request, settings, flow.template, 429, error=error, **form)
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


# Staff routes --------------------------------------------------------------------------


@router.get("/login")
def login_form(
    request: Request,
    settings: SettingsDep,
    principal: OptionalPrincipal,
    next_path: Annotated[str, Query(alias="next", max_length=2000)] = "",
) -> Response:
    if principal is not None and principal.actor.is_staff and principal.login is not None:
        return redirect(safe_next(next_path, "/inbox"))
    return login_page(request, settings, STAFF.template, email="", next=next_path)


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
        STAFF,
        email=email,
        password=password,
        csrf_token=csrf_token,
        next_path=next_path,
    )


@router.post("/logout")
def logout(
    request: Request, session: SessionDep, principal: OptionalPrincipal, csrf_token: Text = ""
) -> Response:
    return sign_out(request, session, principal, csrf_token, "/login")


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
    return redirect("/account", "settings-saved", settings)


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
    _cookie(response, FLASH_COOKIE, "password-changed", settings, max_age=60)
    return response
