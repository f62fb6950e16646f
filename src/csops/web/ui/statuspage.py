"""UI routes: the public status page (no login) — HTML, Atom feed, SVG badge, JSON summary,
email/webhook subscriptions — and the admin page of its components.

The public routes are served from an in-process cache (statuspage/cache.py) straight on
the event loop; only a stale entry costs a trip to the thread pool and the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from csops import i18n, signing
from csops.db import session_factory
from csops.domains.accounts.models import Service
from csops.domains.statuspage import cache, render, service, subscriptions, uptime
from csops.domains.statuspage.schemas import ComponentIn, SubscribeIn
from csops.errors import CsopsError, Invalid, PermissionDenied
from csops.web.deps import SessionDep
from csops.web.ui.auth import Text, form_csrf_ok, sidebar_views
from csops.web.ui.common import Page, StaffPage, locale_for, problem_text
from csops.web.ui.flash import flash_redirect, show

router = APIRouter(prefix="/status")
FormError = (ValidationError, CsopsError)
CACHE_HEADERS = {"Cache-Control": "public, max-age=10"}
FORM_PURPOSE = "statuspage-form"


async def _cached(request: Request, key: tuple[str, ...], make: Callable[[Session], Any]) -> Any:
    value = cache.peek(key)
    if value is None:
        factory = session_factory(request.app.state.engine)
        value = await run_in_threadpool(cache.cached, key, factory, make)
    return value


def form_token() -> str:
    """The CSRF token of the public forms: signed, so the cached page can carry it."""
    return signing.dumps(FORM_PURPOSE, "status")


def _form_ok(request: Request, sent: str) -> None:
    if sent and form_csrf_ok(request, sent):
        return
    try:
        signing.loads(FORM_PURPOSE, sent, max_age_seconds=24 * 3600)
    except Invalid as exc:
        raise PermissionDenied("missing or expired form token; reload the page") from exc


def _brand(brand: str) -> str:
    if not brand or len(brand) > 100 or not brand.replace("-", "").isalnum():
        raise Invalid("unknown status page")
    return brand


def _html(request: Request, brand: str, locale: str) -> Callable[[Session], str]:
    def make(session: Session) -> str:
        snap = service.snapshot(session, brand=brand)
        template = request.app.state.templates.env.get_template("statuspage/page.html")
        with i18n.use_locale(locale):
            return str(
                template.render(
                    snap=snap,
                    locale=locale,
                    labels=render.LABEL,
                    colors=render.COLOR,
                    page_path=subscriptions.page_path(brand),
                    csrf_token=form_token(),
                    runs=uptime.runs,
                )
            )

    return make


async def _page(request: Request, brand: str) -> HTMLResponse:
    locale = locale_for(request, None)
    body = await _cached(request, (brand, "html", locale), _html(request, brand, locale))
    return HTMLResponse(body, headers=CACHE_HEADERS)


def _api(path: str, brand: str) -> Response:
    """Feed, badge and JSON are served (cached, without login) by the API; these stable
    public addresses answer with a temporary redirect there."""
    query = "" if brand == service.DEFAULT_BRAND else f"?brand={brand}"
    return RedirectResponse(f"/api/v1/status/{path}{query}", status_code=307)


@router.get("")
async def status_page(request: Request) -> Response:
    return await _page(request, service.DEFAULT_BRAND)


@router.get("/feed.atom")
async def status_feed() -> Response:
    return _api("feed.atom", service.DEFAULT_BRAND)


@router.get("/badge.svg")
async def status_badge() -> Response:
    return _api("badge.svg", service.DEFAULT_BRAND)


@router.get("/summary.json")
async def status_summary() -> Response:
    return _api("summary.json", service.DEFAULT_BRAND)


@router.get("/b/{brand}")
async def brand_page(request: Request, brand: str) -> Response:
    return await _page(request, _brand(brand))


@router.get("/b/{brand}/feed.atom")
def brand_feed(session: SessionDep, brand: str) -> Response:
    service.require_brand(session, _brand(brand))
    return _api("feed.atom", brand)


@router.get("/b/{brand}/badge.svg")
def brand_badge(session: SessionDep, brand: str) -> Response:
    service.require_brand(session, _brand(brand))
    return _api("badge.svg", brand)


@router.get("/b/{brand}/summary.json")
def brand_summary(session: SessionDep, brand: str) -> Response:
    service.require_brand(session, _brand(brand))
    return _api("summary.json", brand)


# Subscriptions (public) ----------------------------------------------------------------


def _message(request: Request, title: str, text: str, status: int = 200) -> HTMLResponse:
    locale = locale_for(request, None)
    template = request.app.state.templates.env.get_template("statuspage/message.html")
    with i18n.use_locale(locale):
        body = template.render(title=title, text=text, locale=locale, form=None)
    return HTMLResponse(body, status_code=status)


@router.post("/subscribe")
def subscribe(
    request: Request,
    session: SessionDep,
    email: Text = "",
    url: Text = "",
    kind: Text = "email",
    brand: Text = "default",
    csrf_token: Text = "",
) -> Response:
    """Anyone may subscribe; an email address only receives updates once confirmed."""
    _form_ok(request, csrf_token)
    try:
        data = SubscribeIn.model_validate(
            {
                "kind": kind if kind in ("email", "webhook") else "email",
                "email": email.strip() or None,
                "url": url.strip() or None,
                "brand": brand or "default",
            }
        )
        with session.begin_nested():
            subscriptions.subscribe(session, data=data)
    except FormError as exc:
        return _message(request, i18n.gettext("Not subscribed"), problem_text(exc), 422)
    text = (
        i18n.gettext("Check your inbox: we sent a link to confirm your subscription.")
        if data.kind == "email"
        else i18n.gettext("The webhook will receive every public update.")
    )
    return _message(request, i18n.gettext("Almost done"), text)


@router.get("/confirm")
def confirm(request: Request, session: SessionDep, token: str = "") -> Response:
    try:
        subscriptions.confirm(session, token=token[:1000])
    except CsopsError as exc:
        return _message(request, i18n.gettext("Link not valid"), problem_text(exc), 400)
    return _message(
        request,
        i18n.gettext("Subscribed"),
        i18n.gettext("You will receive an email for every public update."),
    )


@router.get("/unsubscribe")
def unsubscribe_form(request: Request, token: str = "") -> Response:
    locale = locale_for(request, None)
    template = request.app.state.templates.env.get_template("statuspage/message.html")
    with i18n.use_locale(locale):
        body = template.render(
            title=i18n.gettext("Unsubscribe"),
            text="",
            locale=locale,
            form={"token": token[:1000], "csrf_token": form_token()},
        )
    return HTMLResponse(body)


@router.post("/unsubscribe")
def unsubscribe(
    request: Request, session: SessionDep, token: Text = "", csrf_token: Text = ""
) -> Response:
    _form_ok(request, csrf_token)
    try:
        subscriptions.unsubscribe(session, token=token[:1000])
    except CsopsError as exc:
        return _message(request, i18n.gettext("Link not valid"), problem_text(exc), 400)
    return _message(
        request,
        i18n.gettext("Unsubscribed"),
        i18n.gettext("You will not receive status updates any more."),
    )


# Admin: components ---------------------------------------------------------------------


def admin_page(page: StaffPage) -> Page:
    if not page.actor.is_admin:
        raise PermissionDenied("only an admin may change the status page")
    return page


AdminPage = Annotated[Page, Depends(admin_page)]


@router.get("/admin/components")
def components(page: AdminPage, session: SessionDep) -> Response:
    services = session.scalars(select(Service).order_by(Service.name)).all()
    return show(
        page,
        "statuspage/admin.html",
        views=sidebar_views(session, page),
        components=service.list_components(session),
        services=services,
    )


@router.post("/admin/components")
def component_create(
    page: AdminPage,
    session: SessionDep,
    name: Text = "",
    description: Text = "",
    service_id: Text = "",
    brand: Text = "default",
    position: Text = "0",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    try:
        data = ComponentIn.model_validate(
            {
                "name": name,
                "description": description,
                "brand": brand or "default",
                "service_id": int(service_id) if service_id.strip().isdigit() else None,
                "position": int(position) if position.strip().isdigit() else 0,
            }
        )
        with session.begin_nested():
            service.create_component(session, data=data, actor=page.actor)
    except FormError as exc:
        return flash_redirect(
            page.request, "/status/admin/components", "not-saved", reason=problem_text(exc)
        )
    return flash_redirect(page.request, "/status/admin/components", "status-component-saved")


@router.post("/admin/components/{component_id}/delete")
def component_delete(
    page: AdminPage, session: SessionDep, component_id: int, csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    try:
        with session.begin_nested():
            service.delete_component(session, component_id=component_id, actor=page.actor)
    except (ValidationError, Invalid) as exc:
        return flash_redirect(
            page.request, "/status/admin/components", "not-saved", reason=problem_text(exc)
        )
    return flash_redirect(page.request, "/status/admin/components", "status-component-saved")
