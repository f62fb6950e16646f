"""UI routes of intake: the embeddable web form (public) and the webhook sources (admin).

GET/POST /forms/request — the anonymous request form; it may be framed by any site (its own
  CSP with frame-ancestors), or embedded with `<script src="https://desk/widget/form.js">`.
  Its CSRF token is the login-form cookie value or, inside a third-party frame where that
  cookie is not sent, a signed form token the page carries.
GET /forms/request/sent — the thanks page (also shown for a honeypot hit).
GET /forms/verify/{verify_token} — the link of the verification email.
/admin/intake[...] — webhook sources: create (secret shown once), mapping, rotate, deliveries.
"""

from __future__ import annotations

import hmac
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.params import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from csops import signing
from csops.config import Settings, get_settings
from csops.domains.intake import service
from csops.domains.intake.schemas import SourceIn, SourceUpdate
from csops.domains.intake.webhooks import as_payload
from csops.errors import CsopsError, Invalid, PermissionDenied
from csops.web.api.intake import endpoint
from csops.web.deps import SessionDep, SettingsDep
from csops.web.templating import render
from csops.web.ui.auth import FORM_CSRF_COOKIE, client_ip, form_csrf_value, sidebar_views
from csops.web.ui.common import Page, StaffPage, locale_for, problem_text, set_cookie
from csops.web.ui.flash import flash_redirect, redirect, show

router = APIRouter()
Text = Annotated[str, Form()]
FORM_PURPOSE = "webform-csrf"
FRAME_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors {ancestors}; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)


def _frame_headers() -> dict[str, str]:
    origins = [o.strip() for o in get_settings().chat_allowed_origins.split(",") if o.strip()]
    ancestors = "*" if "*" in origins or not origins else " ".join(origins)
    return {"Content-Security-Policy": FRAME_CSP.format(ancestors=ancestors)}


def _public(request: Request, name: str, status: int = 200, **extra: Any) -> Response:
    context = {"me": None, "locale": locale_for(request, None), "path": request.url.path}
    response = render(request.app.state.templates, request, name, context | extra, status)
    response.headers.update(_frame_headers())
    return response


def _form_page(request: Request, settings: Settings, status: int = 200, **extra: Any) -> Response:
    cookie = form_csrf_value(request)
    token = signing.dumps(FORM_PURPOSE, cookie)
    response = _public(
        request, "intake/form.html", status, csrf_token=token, form=extra.pop("form", {}), **extra
    )
    set_cookie(response, FORM_CSRF_COOKIE, cookie, settings)
    return response


def _csrf_ok(request: Request, sent: str) -> bool:
    cookie = request.cookies.get(FORM_CSRF_COOKIE, "")
    if cookie and hmac.compare_digest(sent.encode(), cookie.encode()):
        return True
    try:
        signing.loads(FORM_PURPOSE, sent, max_age_seconds=24 * 3600)
    except Invalid:
        return False
    return True


@router.get("/forms/request")
def form(request: Request, settings: SettingsDep) -> Response:
    return _form_page(request, settings)


@router.post("/forms/request")
def submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Text = "",
    name: Text = "",
    subject: Text = "",
    description: Text = "",
    website: Text = "",
    csrf_token: Text = "",
) -> Response:
    if not _csrf_ok(request, csrf_token):
        raise PermissionDenied("the form expired; reload the page and try again")
    values = {
        "email": email,
        "name": name,
        "subject": subject,
        "description": description,
        "website": website,
    }
    try:
        with session.begin_nested():
            outcome = service.submit(session, values=values, ip=client_ip(request))
    except (ValidationError, CsopsError) as exc:
        return _form_page(request, settings, 422, form=values, error=problem_text(exc))
    if outcome.limited:
        return _form_page(request, settings, 429, form=values, error="too-many")
    return redirect("/forms/request/sent")


@router.get("/forms/request/sent")
def sent(request: Request) -> Response:
    return _public(request, "intake/sent.html")


@router.get("/forms/verify/{verify_token}")
def verify(
    verify_token: Annotated[str, PathParam(max_length=500)], request: Request, session: SessionDep
) -> Response:
    try:
        row = service.verify(session, token=verify_token)
    except Invalid as exc:
        return _public(request, "intake/verified.html", 400, error=exc.detail)
    return _public(request, "intake/verified.html", ticket_id=row.ticket_id)


@router.get("/widget/form.js")
def form_script() -> RedirectResponse:
    return RedirectResponse("/static/widget/form.js", status_code=307)


# Admin: webhook sources -----------------------------------------------------------------


def admin_page(page: StaffPage) -> Page:
    if not page.actor.is_admin:
        raise PermissionDenied("only an admin may open the admin pages")
    return page


AdminPage = Annotated[Page, Depends(admin_page)]


def _sources(page: Page, session: Session, status: int = 200, **extra: Any) -> Response:
    return show(
        page,
        "intake/sources.html",
        status,
        sources=service.list_sources(session, actor=page.actor),
        views=sidebar_views(session, page),
        form=extra.pop("form", {}),
        **extra,
    )


def _created(page: Page, session: Session, source_id: int) -> Response:
    source = service.get_source(session, source_id=source_id, actor=page.actor)
    return show(
        page,
        "intake/secret.html",
        source=source,
        endpoint=endpoint(source),
        views=sidebar_views(session, page),
    )


@router.get("/admin/intake")
def sources(page: AdminPage, session: SessionDep) -> Response:
    return _sources(page, session)


@router.post("/admin/intake")
def source_create(
    page: AdminPage,
    session: SessionDep,
    slug: Text = "",
    name: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    form_values = {"slug": slug, "name": name}
    try:
        with session.begin_nested():
            source = service.create_source(
                session, data=SourceIn.model_validate(form_values), actor=page.actor
            )
    except (ValidationError, CsopsError) as exc:
        return _sources(page, session, 422, form=form_values, error=problem_text(exc))
    return _created(page, session, source.id)


def _source_page(
    page: Page, session: Session, source_id: int, status: int = 200, **extra: Any
) -> Response:
    source = service.get_source(session, source_id=source_id, actor=page.actor)
    deliveries = service.list_deliveries(session, source_id=source_id, actor=page.actor)
    return show(
        page,
        "intake/source.html",
        status,
        source=source,
        endpoint=endpoint(source),
        deliveries=deliveries,
        mapping_text=extra.pop("mapping_text", as_payload(source.mapping)),
        views=sidebar_views(session, page),
        **extra,
    )


@router.get("/admin/intake/{source_id}")
def source_detail(source_id: int, page: AdminPage, session: SessionDep) -> Response:
    return _source_page(page, session, source_id)


def _mapping(text: str) -> Any:
    try:
        return json.loads(text or "{}")
    except ValueError as exc:
        raise Invalid(f"the mapping is not JSON: {exc}") from exc


@router.post("/admin/intake/{source_id}")
def source_update(
    source_id: int,
    page: AdminPage,
    session: SessionDep,
    name: Text = "",
    mapping: Text = "",
    is_active: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    service.get_source(session, source_id=source_id, actor=page.actor)
    try:
        data = SourceUpdate.model_validate(
            {"name": name or None, "mapping": _mapping(mapping), "is_active": is_active == "on"}
        )
        with session.begin_nested():
            service.update_source(session, source_id=source_id, data=data, actor=page.actor)
    except (ValidationError, CsopsError) as exc:
        reason = problem_text(exc)
        return flash_redirect(
            page.request, f"/admin/intake/{source_id}", "not-saved", reason=reason
        )
    return redirect(f"/admin/intake/{source_id}")


@router.post("/admin/intake/{source_id}/rotate")
def source_rotate(
    source_id: int, page: AdminPage, session: SessionDep, csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    service.rotate_secret(session, source_id=source_id, actor=page.actor)
    return _created(page, session, source_id)
