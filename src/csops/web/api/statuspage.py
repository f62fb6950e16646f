"""API routes: the status page — its summary (public) and its components (admin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from csops.config import get_settings
from csops.db import session_factory
from csops.domains.accounts.actor import Actor
from csops.domains.statuspage import cache, render, service, subscriptions
from csops.domains.statuspage.models import StatusSubscriber
from csops.domains.statuspage.schemas import (
    ComponentIn,
    ComponentOut,
    StatusSummary,
    SubscriberOut,
)
from csops.errors import PermissionDenied
from csops.web.api.pagination import Id
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import scoped
from csops.web.deps import SessionDep

router = APIRouter(prefix="/status", tags=["status page"], route_class=ApiRoute)
PROBLEMS: dict[int | str, dict[str, str]] = {
    401: {"description": "Not signed in (problem+json)"},
    403: {"description": "Admins only (problem+json)"},
    404: {"description": "Not found (problem+json)"},
    422: {"description": "The request is not valid (problem+json)"},
}
Reader = Annotated[Actor, Depends(scoped("incidents:read", staff=True))]
Admin = Annotated[Actor, Depends(scoped("admin", staff=True))]


Brand = Annotated[str, Query(max_length=100, pattern=r"^[a-z0-9-]+$")]
CACHE_HEADERS = {"Cache-Control": "public, max-age=10"}


async def _cached(request: Request, key: tuple[str, ...], make: Callable[[Session], str]) -> str:
    value = cache.peek(key)
    if value is None:
        factory = session_factory(request.app.state.engine)
        value = await run_in_threadpool(cache.cached, key, factory, make)
    return str(value)


@router.get(
    "/summary.json",
    response_model=StatusSummary,
    responses={422: PROBLEMS[422]},
    summary="The public status (no sign-in)",
)
async def summary(request: Request, brand: Brand = "default") -> Response:
    """Components, current status, active and recent incidents with their public updates,
    scheduled maintenance: what the public page at /status shows."""

    def make(session: Session) -> str:
        return render.summary(service.snapshot(session, brand=brand)).model_dump_json()

    body = await _cached(request, (brand, "json"), make)
    return Response(body, media_type="application/json", headers=CACHE_HEADERS)


@router.get(
    "/feed.atom",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}}, 422: PROBLEMS[422]},
    summary="Atom feed of public updates (no sign-in)",
)
async def feed(request: Request, brand: Brand = "default") -> Response:
    base = get_settings().base_url.rstrip("/")
    path = subscriptions.page_path(brand)

    def make(session: Session) -> str:
        return render.atom(service.snapshot(session, brand=brand), base_url=base, path=path)

    body = await _cached(request, (brand, "atom"), make)
    return Response(body, media_type="application/atom+xml; charset=utf-8", headers=CACHE_HEADERS)


@router.get(
    "/badge.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}, 422: PROBLEMS[422]},
    summary="Embeddable status badge (no sign-in)",
)
async def badge(request: Request, brand: Brand = "default") -> Response:
    def make(session: Session) -> str:
        return render.badge(service.snapshot(session, brand=brand))

    body = await _cached(request, (brand, "badge"), make)
    return Response(body, media_type="image/svg+xml", headers=CACHE_HEADERS)


@router.get("/components", response_model=list[ComponentOut], responses=PROBLEMS)
def list_components(session: SessionDep, actor: Reader) -> list[ComponentOut]:
    return [ComponentOut.model_validate(c) for c in service.list_components(session)]


@router.post("/components", status_code=201, response_model=ComponentOut, responses=PROBLEMS)
def create_component(data: ComponentIn, session: SessionDep, actor: Admin) -> ComponentOut:
    return ComponentOut.model_validate(service.create_component(session, data=data, actor=actor))


@router.delete("/components/{component_id}", status_code=204, responses=PROBLEMS)
def delete_component(component_id: Id, session: SessionDep, actor: Admin) -> Response:
    service.delete_component(session, component_id=component_id, actor=actor)
    return Response(status_code=204)


@router.get("/subscribers", response_model=list[SubscriberOut], responses=PROBLEMS)
def list_subscribers(session: SessionDep, actor: Admin) -> list[SubscriberOut]:
    if not actor.is_admin:
        raise PermissionDenied("admins only")
    rows = session.scalars(select(StatusSubscriber).order_by(StatusSubscriber.id).limit(1000))
    return [SubscriberOut.model_validate(s) for s in rows]
