"""UI routes: the customer portal. Sign in (password or emailed link), my requests, new
request, a request's public thread with reply and close.

Every read goes through the tickets services with the customer as actor, so what a customer
may see (their own requests, an org admin also their organization's, public messages only)
is decided in one place, csops.domains.tickets.access; anything else is a 404.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from csops.domains.accounts import auth
from csops.domains.accounts import service as accounts
from csops.domains.accounts.models import PrincipalKind
from csops.domains.live import service as live
from csops.domains.notifications import service as notifications
from csops.domains.tickets import service as tickets
from csops.domains.tickets import thread, views
from csops.domains.tickets.attachments import check_uploads
from csops.domains.tickets.models import Status
from csops.domains.tickets.schemas import MessageCreate, TicketCreate, TicketUpdate
from csops.errors import CsopsError, Unauthenticated
from csops.i18n.labels import N_
from csops.web.deps import SessionDep, SettingsDep
from csops.web.ui.auth import (
    CUSTOMERS,
    Text,
    add_login_routes,
    client_ip,
    login_page,
    refuse_login,
    start_browser_session,
)
from csops.web.ui.common import CustomerPage, Page, problem_text, uploads_from
from csops.web.ui.flash import flash_redirect, show

log = logging.getLogger("csops.web.portal")
router = APIRouter(prefix="/portal")

PAGE_SIZE = 25
Files = Annotated[list[UploadFile], File()]


# Signing in ------------------------------------------------------------------------------


add_login_routes(router, CUSTOMERS)


@router.get("/magic")
def magic_form(request: Request, settings: SettingsDep) -> Response:
    return login_page(request, settings, "portal/magic.html", email="")


@router.post("/magic")
def magic_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Text = "",
    csrf_token: Text = "",
) -> Response:
    """Creates a link only for a known customer and emails it (through the outbox); the
    answer is the same either way. The link is never shown or logged."""
    keys = [f"magic:{accounts.normalize_email(email)[:320]}", f"magic-ip:{client_ip(request)}"]
    template = "portal/magic.html"
    refused = refuse_login(request, session, settings, csrf_token, keys, template, email=email)
    if refused is not None:
        return refused
    auth.record_login_failure(session, keys=keys)  # counts requests, so links cannot be sprayed
    customer = accounts.find_customer(session, email) if "@" in email else None
    if customer is not None:
        raw = auth.create_magic_link(session, customer=customer)
        notifications.send_magic_link(session, customer_id=customer.id, raw_token=raw)
        log.info("magic link created", extra={"customer_id": customer.id})
    return login_page(request, settings, "portal/magic.html", sent=True, email="")


@router.get("/magic/{token}")
def magic_redeem(
    request: Request, token: str, session: SessionDep, settings: SettingsDep
) -> Response:
    try:
        customer = auth.redeem_magic_link(session, raw=token[:200])
    except Unauthenticated:
        error = N_("This sign-in link is invalid, used or expired.")
        return login_page(request, settings, "portal/magic.html", 400, error=error, email="")
    return start_browser_session(
        request, session, settings, PrincipalKind.customer, customer.id, "/portal"
    )


# My requests ---------------------------------------------------------------------------


@router.get("")
def my_requests(
    page: CustomerPage,
    session: SessionDep,
    scope: Annotated[Literal["mine", "org"], Query()] = "mine",
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    actor = page.actor
    org_view = scope == "org" and actor.is_org_admin and actor.organization_id is not None
    filters = (
        views.TicketFilters(organization_id=actor.organization_id)
        if org_view
        else views.TicketFilters(requester_id=actor.id)
    )
    result = views.list_tickets(
        session, filters=filters, actor=actor, sort="-updated_at", limit=PAGE_SIZE, cursor=cursor
    )
    return show(
        page,
        "portal/list.html",
        tickets=result.items,
        next_cursor=result.next_cursor,
        scope="org" if org_view else "mine",
        can_see_org=actor.is_org_admin and actor.organization_id is not None,
        first_page=cursor is None,
    )


@router.get("/new")
def new_request(page: CustomerPage) -> Response:
    return show(page, "portal/new.html", form={})


@router.post("/new")
def new_request_submit(
    page: CustomerPage,
    session: SessionDep,
    subject: Text = "",
    description: Text = "",
    csrf_token: Text = "",
    files: Files = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    page.check_csrf(csrf_token)
    form = {"subject": subject, "description": description}
    try:
        uploads = uploads_from(files)
        check_uploads(uploads)
        data = TicketCreate(subject=subject, description=description)
        with session.begin_nested():  # nothing partial stays when the request fails
            ticket = tickets.create_ticket(session, data=data, actor=page.actor, uploads=uploads)
    except (ValidationError, CsopsError) as exc:
        return show(page, "portal/new.html", 422, form=form, error=problem_text(exc))
    return flash_redirect(page.request, f"/portal/requests/{ticket.id}", "request-received")


# One request ---------------------------------------------------------------------------


def _request_page(
    page: Page, session: Session, ticket_id: int, status_code: int = 200, **extra: Any
) -> Response:
    ticket = tickets.get_ticket(session, ticket_id=ticket_id, actor=page.actor)
    messages = thread.list_messages(session, ticket_id=ticket.id, actor=page.actor)
    return show(
        page,
        "portal/request.html",
        status_code,
        ticket=ticket,
        messages=messages,
        live_after=live.latest_id(session),
        staff=False,
        closable=ticket.status not in (Status.solved, Status.closed),
        closed=ticket.status == Status.closed,
        **extra,
    )


@router.get("/requests/{ticket_id}")
def request_page(page: CustomerPage, session: SessionDep, ticket_id: int) -> Response:
    return _request_page(page, session, ticket_id)


@router.post("/requests/{ticket_id}/reply")
def reply(
    page: CustomerPage,
    session: SessionDep,
    ticket_id: int,
    body: Text = "",
    csrf_token: Text = "",
    files: Files = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    page.check_csrf(csrf_token)
    try:
        uploads = uploads_from(files)
        data = MessageCreate(body=body)
        with session.begin_nested():
            thread.add_message(
                session, ticket_id=ticket_id, data=data, actor=page.actor, uploads=uploads
            )
    except (ValidationError, CsopsError) as exc:
        return _request_page(page, session, ticket_id, 422, error=problem_text(exc), body=body)
    return flash_redirect(page.request, f"/portal/requests/{ticket_id}#reply", "reply-sent")


@router.post("/requests/{ticket_id}/close")
def close(
    page: CustomerPage,
    session: SessionDep,
    ticket_id: int,
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    try:
        with session.begin_nested():
            tickets.update_ticket(
                session,
                ticket_id=ticket_id,
                data=TicketUpdate(status=Status.solved),
                actor=page.actor,
            )
    except CsopsError as exc:
        return _request_page(page, session, ticket_id, 409, error=problem_text(exc))
    return flash_redirect(page.request, f"/portal/requests/{ticket_id}", "request-closed")
