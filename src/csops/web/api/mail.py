"""API routes: inbound email as admins see it — every message received, the quarantine,
and retrying a quarantined message. Admin only (the `admin` scope for tokens)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from csops.domains.accounts.actor import Actor
from csops.domains.channels import service
from csops.domains.channels.models import InboundStatus
from csops.domains.channels.schemas import InboundMailDetail, InboundMailOut, detail
from csops.web.api.pagination import Id, Page, after_id, cut
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import scoped
from csops.web.deps import SessionDep

router = APIRouter(prefix="/mail", tags=["mail"], route_class=ApiRoute)
MailAdmin = Annotated[Actor, Depends(scoped("admin", staff=True))]
PROBLEMS: dict[int | str, dict[str, str]] = {
    401: {"description": "Not signed in (problem+json)"},
    403: {"description": "Only admins (problem+json)"},
    404: {"description": "No such message (problem+json)"},
}


@router.get(
    "/inbound",
    response_model=Page[InboundMailOut],
    responses=PROBLEMS,
    summary="List received email, newest first",
)
def list_inbound(
    session: SessionDep,
    actor: MailAdmin,
    status: Annotated[
        InboundStatus | None, Query(description="accepted, quarantined, ignored")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
) -> Page[InboundMailOut]:
    rows = service.list_inbound(
        session, actor=actor, status=status, before_id=after_id(cursor), limit=limit + 1
    )
    items, next_cursor = cut(rows, limit, lambda m: m.id)
    return Page[InboundMailOut](
        items=[InboundMailOut.model_validate(m) for m in items], next_cursor=next_cursor
    )


@router.get(
    "/inbound/{inbound_mail_id}",
    response_model=InboundMailDetail,
    responses=PROBLEMS,
    summary="Read one received email, with the start of its raw text",
)
def get_inbound(inbound_mail_id: Id, session: SessionDep, actor: MailAdmin) -> InboundMailDetail:
    return detail(service.get_inbound(session, mail_id=inbound_mail_id, actor=actor))


@router.post(
    "/inbound/{inbound_mail_id}/retry",
    response_model=InboundMailDetail,
    responses={**PROBLEMS, 409: {"description": "Not quarantined (problem+json)"}},
    summary="Process a quarantined email again",
)
def retry_inbound(inbound_mail_id: Id, session: SessionDep, actor: MailAdmin) -> InboundMailDetail:
    """Skips the size and rate checks (an admin decided); parsing and threading run again."""
    return detail(service.retry_inbound(session, mail_id=inbound_mail_id, actor=actor))
