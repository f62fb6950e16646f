"""UI routes: notifications for admins (/admin/notifications: outbox log, templates with
preview, outgoing webhooks with their delivery log and replay) and the public preference
page a customer reaches from the signed link in every message (/preferences/{token})."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from csops import signing
from csops.domains.accounts.models import Customer
from csops.domains.notifications import manage, service, templates, webhooks
from csops.domains.notifications.models import OutboxStatus
from csops.domains.notifications.schemas import TemplateIn, WebhookSubscriptionIn
from csops.errors import Conflict, Invalid, PermissionDenied
from csops.web.api.pagination import Id
from csops.web.deps import SessionDep
from csops.web.templating import render
from csops.web.ui.admin import AdminPage
from csops.web.ui.auth import sidebar_views
from csops.web.ui.common import Page, locale_for, problem_text
from csops.web.ui.flash import flash_redirect, show

router = APIRouter()
Text = Annotated[str, Form()]
A = "/admin/notifications"
PAGE_SIZE = 100


def _show(page: Page, session: Session, name: str, status: int = 200, **extra: Any) -> Response:
    return show(page, name, status, views=sidebar_views(session, page), **extra)


@router.get(A + "/outbox")
def outbox(
    page: AdminPage,
    session: SessionDep,
    status: Annotated[OutboxStatus | None, Query()] = None,
    before: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    rows = manage.list_outbox(
        session, actor=page.actor, status=status, before_id=before, limit=PAGE_SIZE + 1
    )
    more = len(rows) > PAGE_SIZE
    return _show(
        page,
        session,
        "notifications/outbox.html",
        items=rows[:PAGE_SIZE],
        older=rows[PAGE_SIZE - 1].id if more else None,
        filter_status=status,
        statuses=list(OutboxStatus),
    )


@router.post(A + "/outbox/{outbox_id}/requeue")
def outbox_requeue(
    outbox_id: Id, page: AdminPage, session: SessionDep, csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    try:
        with session.begin_nested():
            manage.requeue(session, actor=page.actor, outbox_id=outbox_id)
    except Conflict as exc:
        return flash_redirect(page.request, A + "/outbox", "not-saved", reason=problem_text(exc))
    return flash_redirect(page.request, A + "/outbox", "outbox-requeued")


@router.get(A + "/templates")
def template_list(page: AdminPage, session: SessionDep) -> Response:
    return _show(
        page,
        session,
        "notifications/templates.html",
        rows=manage.list_templates(session, actor=page.actor),
    )


def _template_page(
    page: Page, session: Session, name: str, locale: str, status: int = 200, **extra: Any
) -> Response:
    current = manage.get_template(session, actor=page.actor, name=name, locale=locale)
    form = extra.pop("form", None) or TemplateIn(
        subject=current.subject, text=current.text, html=current.html
    )
    rendered, error = None, extra.pop("error", None)
    if error is None:
        try:
            rendered = manage.preview(session, actor=page.actor, data=form)
        except Invalid as exc:
            error = problem_text(exc)
    return _show(
        page,
        session,
        "notifications/template_edit.html",
        status,
        current=current,
        form=form,
        preview=rendered,
        error=error,
        locales=templates.LOCALES,
        **extra,
    )


@router.get(A + "/templates/{template_name}/{locale}")
def template_edit(
    template_name: str, locale: str, page: AdminPage, session: SessionDep
) -> Response:
    return _template_page(page, session, template_name, locale)


@router.post(A + "/templates/{template_name}/{locale}")
def template_save(
    template_name: str,
    locale: str,
    page: AdminPage,
    session: SessionDep,
    subject: Text = "",
    text: Text = "",
    html: Text = "",
    action: Text = "save",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    manage.get_template(session, actor=page.actor, name=template_name, locale=locale)
    try:
        form = TemplateIn(subject=subject, text=text, html=html)
    except ValidationError as exc:
        back = f"{A}/templates/{template_name}/{locale}"
        return flash_redirect(page.request, back, "not-saved", reason=problem_text(exc))
    if action == "preview":
        return _template_page(page, session, template_name, locale, form=form)
    try:
        with session.begin_nested():
            manage.save_template(
                session, actor=page.actor, name=template_name, locale=locale, data=form
            )
    except Invalid as exc:
        return _template_page(
            page, session, template_name, locale, 422, form=form, error=problem_text(exc)
        )
    back = f"{A}/templates/{template_name}/{locale}"
    return flash_redirect(page.request, back, "notification-template-saved")


@router.post(A + "/templates/{template_name}/{locale}/reset")
def template_reset(
    template_name: str, locale: str, page: AdminPage, session: SessionDep, csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    manage.reset_template(session, actor=page.actor, name=template_name, locale=locale)
    back = f"{A}/templates/{template_name}/{locale}"
    return flash_redirect(page.request, back, "notification-template-reset")


@router.get(A + "/webhooks")
def webhook_list(page: AdminPage, session: SessionDep) -> Response:
    return _show(
        page,
        session,
        "notifications/webhooks.html",
        subs=manage.list_subscriptions(session, actor=page.actor),
        event_types=webhooks.EVENT_TYPES,
    )


def _webhook_form(
    name: str, url: str, event_types: list[str], allowed_ranges: str, active: bool
) -> WebhookSubscriptionIn:
    return WebhookSubscriptionIn(
        name=name,
        url=url,
        event_types=event_types or ["*"],
        allowed_ranges=[r for r in allowed_ranges.replace(",", " ").split() if r],
        active=active,
    )


@router.post(A + "/webhooks")
def webhook_create(
    page: AdminPage,
    session: SessionDep,
    name: Text = "",
    url: Text = "",
    event_types: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    allowed_ranges: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    try:
        data = _webhook_form(name, url, event_types, allowed_ranges, True)
        with session.begin_nested():
            sub = webhooks.save_subscription(session, actor=page.actor, data=data)
    except (ValidationError, Invalid) as exc:
        return flash_redirect(page.request, A + "/webhooks", "not-saved", reason=problem_text(exc))
    return flash_redirect(page.request, f"{A}/webhooks/{sub.id}", "webhook-saved")


@router.get(A + "/webhooks/{webhook_subscription_id}")
def webhook_detail(webhook_subscription_id: Id, page: AdminPage, session: SessionDep) -> Response:
    sub = webhooks.get_subscription(
        session, actor=page.actor, subscription_id=webhook_subscription_id
    )
    return _show(
        page,
        session,
        "notifications/webhook.html",
        sub=sub,
        deliveries=manage.list_deliveries(
            session, actor=page.actor, subscription_id=webhook_subscription_id
        ),
        event_types=webhooks.EVENT_TYPES,
    )


@router.post(A + "/webhooks/{webhook_subscription_id}")
def webhook_update(
    webhook_subscription_id: Id,
    page: AdminPage,
    session: SessionDep,
    name: Text = "",
    url: Text = "",
    event_types: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    allowed_ranges: Text = "",
    active: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    webhooks.get_subscription(session, actor=page.actor, subscription_id=webhook_subscription_id)
    back = f"{A}/webhooks/{webhook_subscription_id}"
    try:
        data = _webhook_form(name, url, event_types, allowed_ranges, active == "on")
        with session.begin_nested():
            webhooks.save_subscription(
                session, actor=page.actor, data=data, subscription_id=webhook_subscription_id
            )
    except (ValidationError, Invalid) as exc:
        return flash_redirect(page.request, back, "not-saved", reason=problem_text(exc))
    return flash_redirect(page.request, back, "webhook-saved")


@router.post(A + "/webhooks/{webhook_subscription_id}/delete")
def webhook_delete(
    webhook_subscription_id: Id, page: AdminPage, session: SessionDep, csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    webhooks.delete_subscription(session, actor=page.actor, subscription_id=webhook_subscription_id)
    return flash_redirect(page.request, A + "/webhooks", "webhook-deleted")


@router.post(A + "/webhook-deliveries/{webhook_delivery_id}/replay")
def delivery_replay(
    webhook_delivery_id: Id, page: AdminPage, session: SessionDep, csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    delivery = webhooks.replay(session, actor=page.actor, delivery_id=webhook_delivery_id)
    back = f"{A}/webhooks/{delivery.subscription_id}"
    return flash_redirect(page.request, back, "webhook-replayed")


# Public: the signed preference link -------------------------------------------------------

FORM_PURPOSE = "preferences-form"


def _customer(session: Session, token: str) -> Customer | None:
    if len(token) > 500:
        return None
    try:
        customer_id = service.customer_from_token(token)
    except Invalid:
        return None
    return session.get(Customer, customer_id)


def _prefs_page(
    request: Request, session: Session, token: str, status: int = 200, **extra: Any
) -> Response:
    customer = _customer(session, token)
    context: dict[str, Any] = {"me": None, "path": "/preferences", "invalid": customer is None}
    if customer is None:
        context["locale"] = locale_for(request, None)
        status = 404
    else:
        context |= {
            "locale": templates.normalize_locale(customer.locale),
            "customer": customer,
            "token": token,
            "form_token": signing.digest(FORM_PURPOSE, token),
            "opted_out": service.opted_out(session, customer.id),
            **extra,
        }
    name = "notifications/preferences.html"
    return render(request.app.state.templates, request, name, context, status)


@router.get("/preferences/{pref_token}")
def preferences(pref_token: str, request: Request, session: SessionDep) -> Response:
    return _prefs_page(request, session, pref_token)


@router.post("/preferences/{pref_token}")
def preferences_save(
    pref_token: str,
    request: Request,
    session: SessionDep,
    opt_out: Text = "",
    csrf_token: Text = "",
    list_unsubscribe: Annotated[str, Form(alias="List-Unsubscribe")] = "",
) -> Response:
    """The signed token is the authority (no sign-in). A mail client's RFC 8058 one-click
    POST ("List-Unsubscribe=One-Click") opts out at once; the page's own form must echo a
    token derived from the link, so another site cannot post it."""
    customer = _customer(session, pref_token)
    if customer is None:
        return _prefs_page(request, session, pref_token)
    if list_unsubscribe == "One-Click":
        service.set_opt_out(session, customer_id=customer.id, opt_out=True)
        return PlainTextResponse("unsubscribed")
    expected = signing.digest(FORM_PURPOSE, pref_token)
    if not hmac.compare_digest(csrf_token.encode(), expected.encode()):
        raise PermissionDenied("missing or wrong form token; reload the page and try again")
    service.set_opt_out(session, customer_id=customer.id, opt_out=opt_out == "on")
    return _prefs_page(request, session, pref_token, saved=True)
