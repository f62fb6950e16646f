"""UI routes: received email and the quarantine, for admins (/admin/mail).

A quarantined message shows its reason and raw text and can be retried; the retry answers
303 with a flash telling what became of it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from csops.domains.channels import service
from csops.domains.channels.models import InboundStatus
from csops.domains.channels.schemas import raw_preview
from csops.errors import Conflict
from csops.web.api.pagination import Id
from csops.web.deps import SessionDep
from csops.web.ui.admin import AdminPage
from csops.web.ui.auth import sidebar_views
from csops.web.ui.common import Page, problem_text
from csops.web.ui.flash import flash_redirect, show

router = APIRouter(prefix="/admin/mail")
PAGE_SIZE = 100


def _show(page: Page, session: Session, name: str, **extra: Any) -> Response:
    return show(page, name, views=sidebar_views(session, page), **extra)


@router.get("")
def inbound_list(
    page: AdminPage,
    session: SessionDep,
    status: Annotated[InboundStatus | None, Query()] = InboundStatus.quarantined,
    before: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    rows = service.list_inbound(
        session, actor=page.actor, status=status, before_id=before, limit=PAGE_SIZE + 1
    )
    more = len(rows) > PAGE_SIZE
    return _show(
        page,
        session,
        "mail/list.html",
        mails=rows[:PAGE_SIZE],
        older=rows[PAGE_SIZE - 1].id if more else None,
        status=status,
        statuses=list(InboundStatus),
        counts=service.count_inbound(session, actor=page.actor),
    )


@router.get("/{inbound_mail_id}")
def inbound_detail(inbound_mail_id: Id, page: AdminPage, session: SessionDep) -> Response:
    mail = service.get_inbound(session, mail_id=inbound_mail_id, actor=page.actor)
    preview, truncated = raw_preview(mail)
    return _show(page, session, "mail/detail.html", mail=mail, raw=preview, truncated=truncated)


@router.post("/{inbound_mail_id}/retry")
def inbound_retry(
    inbound_mail_id: Id,
    page: AdminPage,
    session: SessionDep,
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    page.check_csrf(csrf_token)
    back = f"/admin/mail/{inbound_mail_id}"
    try:
        mail = service.retry_inbound(session, mail_id=inbound_mail_id, actor=page.actor)
    except Conflict as exc:
        return flash_redirect(
            page.request, back, "mail-still-quarantined", reason=problem_text(exc)
        )
    if mail.status == InboundStatus.accepted:
        return flash_redirect(page.request, back, "mail-accepted", ticket=mail.ticket_id or 0)
    if mail.status == InboundStatus.ignored:
        return flash_redirect(page.request, back, "mail-ignored", reason=mail.reason or "")
    return flash_redirect(page.request, back, "mail-still-quarantined", reason=mail.reason or "")
