"""What every page needs: who is looking, in which language, with which CSRF token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from csops import i18n
from csops.config import Settings
from csops.domains.accounts.actor import Actor
from csops.domains.tickets.schemas import Upload
from csops.errors import CsopsError, Invalid
from csops.web.deps import OptionalPrincipal, Principal, SessionDep, check_csrf
from csops.web.templating import render


class LoginRequired(Exception):
    """Raised by page dependencies; app.py turns it into a redirect to the right login page."""

    def __init__(self, login_path: str, next_path: str) -> None:
        super().__init__(login_path)
        self.location = f"{login_path}?next={quote(next_path, safe='/')}"


@dataclass(frozen=True)
class Page:
    """A signed-in page request: the actor, its session, and the locale to render in."""

    request: Request
    principal: Principal
    locale: str

    @property
    def actor(self) -> Actor:
        return self.principal.actor

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "me": self.actor,
            "csrf_token": self.principal.csrf_token,
            "locale": self.locale,
            "path": self.request.url.path,
            **extra,
        }

    def render(self, name: str, status_code: int = 200, **extra: Any) -> HTMLResponse:
        return render(
            self.request.app.state.templates, self.request, name, self.context(**extra), status_code
        )

    def check_csrf(self, form_token: str | None) -> None:
        check_csrf(self.request, self.principal, form_token)


def locale_for(request: Request, actor: Actor | None) -> str:
    return i18n.negotiate(request.headers.get("accept-language"), actor.locale if actor else None)


def _next_path(request: Request) -> str:
    path = request.url.path
    return path + ("?" + request.url.query if request.url.query else "")


def staff_page(request: Request, principal: OptionalPrincipal, _session: SessionDep) -> Page:
    if principal is None or not principal.actor.is_staff or principal.login is None:
        raise LoginRequired("/login", _next_path(request))
    return Page(request, principal, locale_for(request, principal.actor))


def customer_page(request: Request, principal: OptionalPrincipal, _session: SessionDep) -> Page:
    if principal is None or not principal.actor.is_customer or principal.login is None:
        raise LoginRequired("/portal/login", _next_path(request))
    return Page(request, principal, locale_for(request, principal.actor))


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def refuse_nul(request: Request) -> None:
    """Form text (and file names) may not hold NUL: PostgreSQL cannot store it, so both
    databases refuse it alike, before any form is handled (as the JSON API does).
    Files may hold anything. The form parsed here is the one the route reads (cached)."""
    content_type = request.headers.get("content-type", "").lower()
    if request.method != "POST" or not content_type.startswith(FORM_TYPES):
        return
    form = await request.form()
    for _name, value in form.multi_items():
        if "\x00" in (value if isinstance(value, str) else value.filename or ""):
            raise Invalid("text may not contain NUL characters")


StaffPage = Annotated[Page, Depends(staff_page)]
CustomerPage = Annotated[Page, Depends(customer_page)]


def safe_next(value: str | None, default: str) -> str:
    """Only local paths, so a login link cannot send people to another site."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def uploads_from(files: list[UploadFile]) -> list[Upload]:
    """The files actually chosen (a browser sends an empty part when none was)."""
    uploads = []
    for item in files:
        data = item.file.read()
        if item.filename or data:
            uploads.append(
                Upload(
                    filename=item.filename or "attachment",
                    content_type=item.content_type or "application/octet-stream",
                    data=data,
                )
            )
    return uploads


def set_cookie(response: Response, name: str, value: str, settings: Settings, **kw: Any) -> None:
    """Every cookie the pages set: HttpOnly, SameSite=Lax, site-wide, Secure behind HTTPS."""
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
        **kw,
    )


def problem_text(exc: Exception) -> str:
    """A short, human reason for a failed form: pydantic's first errors or the domain detail."""
    if isinstance(exc, ValidationError):
        parts = []
        for err in exc.errors()[:3]:
            where = ".".join(str(p) for p in err.get("loc", ()))
            parts.append(f"{where}: {err['msg']}" if where else str(err["msg"]))
        return "; ".join(parts)
    if isinstance(exc, CsopsError):
        return exc.detail
    return str(exc)
