"""API routes: inbound webhooks (public, Standard Webhooks signed) and their sources (admin).

POST /intake/webhooks/{source_slug} is open to anyone but verified by the source's secret;
its delivery is stored and committed even when the answer is an error, so nothing a sender
posts is lost. It uses the plain route class: a body with an escaped NUL is stored too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.intake import service
from csops.domains.intake.models import WebhookSource
from csops.domains.intake.schemas import (
    DeliveryOut,
    DeliveryResult,
    SourceIn,
    SourceOut,
    SourceUpdate,
    SourceWithSecret,
)
from csops.domains.intake.webhooks import Answer
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import scoped
from csops.web.deps import SessionDep, commit_with
from csops.web.problems import problem

router = APIRouter(prefix="/intake", tags=["intake"], route_class=ApiRoute)
hooks_router = APIRouter(tags=["intake"])
Admin = Annotated[Actor, Depends(scoped("admin", staff=True))]
PROBLEMS: dict[int | str, dict[str, str]] = {
    401: {"description": "Not signed in (problem+json)"},
    403: {"description": "Only admins manage sources (problem+json)"},
    404: {"description": "No such source (problem+json)"},
    409: {"description": "A source with that slug exists (problem+json)"},
    422: {"description": "Not valid (problem+json)"},
}
HOOK_PROBLEMS: dict[int | str, dict[str, str]] = {
    400: {"description": "The body is not JSON (stored; problem+json)"},
    401: {"description": "Signature, timestamp or id refused (stored; problem+json)"},
    404: {"description": "No active source of that slug (stored; problem+json)"},
    422: {"description": "The mapping found no ticket in the payload (stored; problem+json)"},
}


def endpoint(source: WebhookSource) -> str:
    return f"{get_settings().base_url}/api/v1/intake/webhooks/{source.slug}"


def with_secret(source: WebhookSource) -> SourceWithSecret:
    out = SourceOut.model_validate(source).model_dump()
    return SourceWithSecret(**out, secret=source.secret, endpoint=endpoint(source))


@hooks_router.post(
    "/webhooks/{source_slug}",
    status_code=201,
    response_model=DeliveryResult,
    responses=HOOK_PROBLEMS,
    summary="Deliver a webhook (Standard Webhooks signature)",
)
async def deliver(source_slug: str, request: Request, session: SessionDep) -> Response:
    """A repeated webhook-id answers the first delivery's result (`duplicate: true`)."""
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}

    def work() -> Answer:
        return service.receive(session, slug=source_slug[:64], headers=headers, body=body)

    answer = await commit_with(session, work)
    if answer.result is None or answer.status >= 400:
        if answer.result is None:
            return problem(answer.status, answer.detail or "refused")
        delivery = answer.result.model_dump()
        return problem(answer.status, answer.detail or "refused", delivery=delivery)
    return JSONResponse(answer.result.model_dump(), status_code=answer.status)


@router.get("/sources", response_model=list[SourceOut], responses=PROBLEMS, summary="Sources")
def list_sources(session: SessionDep, actor: Admin) -> list[SourceOut]:
    return [SourceOut.model_validate(s) for s in service.list_sources(session, actor=actor)]


@router.post(
    "/sources",
    status_code=201,
    response_model=SourceWithSecret,
    responses=PROBLEMS,
    summary="New source (its secret is shown this once)",
)
async def create_source(data: SourceIn, session: SessionDep, actor: Admin) -> SourceWithSecret:
    return await commit_with(
        session, lambda: with_secret(service.create_source(session, data=data, actor=actor))
    )


@router.get(
    "/sources/{source_id}", response_model=SourceOut, responses=PROBLEMS, summary="One source"
)
def get_source(source_id: int, session: SessionDep, actor: Admin) -> SourceOut:
    return SourceOut.model_validate(service.get_source(session, source_id=source_id, actor=actor))


@router.patch(
    "/sources/{source_id}", response_model=SourceOut, responses=PROBLEMS, summary="Change a source"
)
async def update_source(
    source_id: int, data: SourceUpdate, session: SessionDep, actor: Admin
) -> SourceOut:
    return await commit_with(
        session,
        lambda: SourceOut.model_validate(
            service.update_source(session, source_id=source_id, data=data, actor=actor)
        ),
    )


@router.post(
    "/sources/{source_id}/rotate",
    response_model=SourceWithSecret,
    responses=PROBLEMS,
    summary="New secret (shown this once; the old one stops working)",
)
async def rotate(source_id: int, session: SessionDep, actor: Admin) -> SourceWithSecret:
    return await commit_with(
        session,
        lambda: with_secret(service.rotate_secret(session, source_id=source_id, actor=actor)),
    )


@router.get(
    "/sources/{source_id}/deliveries",
    response_model=list[DeliveryOut],
    responses=PROBLEMS,
    summary="Recent deliveries, raw bodies included",
)
def deliveries(
    source_id: int,
    session: SessionDep,
    actor: Admin,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[DeliveryOut]:
    rows = service.list_deliveries(session, source_id=source_id, actor=actor, limit=limit)
    return [DeliveryOut.model_validate(r) for r in rows]


router.include_router(hooks_router)
