"""API routes: views — the built-in ones (mine, unassigned, urgent, open, per team) and
saved ones, with counts; saving and deleting a view; the tickets of a view. Staff only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from csops.domains.tickets import views
from csops.domains.tickets.schemas import TicketOut
from csops.web.api.idempotency import Created, IdempotencyDep
from csops.web.api.pagination import Id, Page
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import StaffTicketsReader, StaffTicketsWriter
from csops.web.api.tickets import tickets_page
from csops.web.deps import SessionDep

router = APIRouter(prefix="/views", tags=["views"], route_class=ApiRoute)
Slug = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[a-z0-9-]+$")]


class ViewOut(BaseModel):
    slug: str
    name: str
    filters: dict[str, Any]
    sort: str
    id: int | None = Field(None, description="Set for saved views (delete with it)")
    count: int | None = None


class ViewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    filters: views.TicketFilters = Field(default_factory=views.TicketFilters)
    sort: views.SortKey = "-updated_at"
    shared: bool = Field(False, description="Visible to every agent (managers and admins)")


def _view_out(view: views.View, count: int | None = None) -> ViewOut:
    return ViewOut(
        slug=view.slug,
        name=view.name,
        filters=view.filters,
        sort=view.sort,
        id=view.saved_id,
        count=count,
    )


@router.get("", response_model=list[ViewOut], summary="List views, with ticket counts")
def list_views(session: SessionDep, actor: StaffTicketsReader) -> list[ViewOut]:
    counts = views.view_counts(session, actor)
    return [_view_out(v, counts.get(v.slug)) for v in views.all_views(session, actor)]


@router.post("", status_code=201, response_model=ViewOut, summary="Save a view")
def save_view(
    data: ViewCreate, session: SessionDep, actor: StaffTicketsWriter, idem: IdempotencyDep
) -> Response:
    def work() -> Created:
        row = views.save_view(
            session,
            name=data.name,
            filters=data.filters,
            sort=data.sort,
            actor=actor,
            shared=data.shared,
        )
        view = views.View(row.slug, row.name, row.filters, row.sort, row.id)
        location = f"/api/v1/views/{row.slug}/tickets"
        return Created(_view_out(view), 201, {"Location": location})

    return idem.run(session, work)


@router.delete("/{view_id}", status_code=204, summary="Delete a saved view")
def delete_view(view_id: Id, session: SessionDep, actor: StaffTicketsWriter) -> Response:
    views.delete_view(session, view_id=view_id, actor=actor)
    return Response(status_code=204)


@router.get("/{slug}/tickets", response_model=Page[TicketOut], summary="The tickets of a view")
def view_tickets(
    slug: Slug,
    session: SessionDep,
    actor: StaffTicketsReader,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    with_total: Annotated[bool, Query()] = False,
) -> Page[TicketOut]:
    view = views.find_view(session, actor, slug)
    page = views.list_tickets(
        session,
        filters=views.view_filters(view),
        actor=actor,
        sort=view.sort,
        limit=limit,
        cursor=cursor,
        with_total=with_total,
    )
    return tickets_page(page)
