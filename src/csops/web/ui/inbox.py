"""UI routes: the agent inbox — views, filters, search, sorting, cursor pagination, bulk actions.

The query string is the whole state of the list: `view` gives default filters and sort, and
any filter present in the query (even empty) replaces the view's value for that field, so
the filter form (which always sends every field) says exactly what is shown. Without a view
and with a search (`q`), the list spans every ticket the agent may see. The same parsing
serves the live stream (`csops.web.ui.live`), so a new ticket appears only in the lists
it belongs to.

Bulk actions are all-or-nothing: every selected ticket changes, or none does and the flash
says which ticket failed and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from csops import i18n
from csops.domains.accounts.actor import Actor
from csops.domains.live import service as live
from csops.domains.tickets import merge, views
from csops.domains.tickets import service as tickets
from csops.domains.tickets.schemas import TicketUpdate
from csops.domains.tickets.views import TicketFilters, View
from csops.errors import CsopsError, Invalid
from csops.web.deps import SessionDep
from csops.web.ui import extensions
from csops.web.ui.common import StaffPage, problem_text, safe_next
from csops.web.ui.flash import flash_redirect, show
from csops.web.ui.tickets import choices, sidebar

router = APIRouter()

PAGE_SIZE = 50
LIST_KEYS = ("status", "priority", "channel", "tag")
DEFAULT_DESCENDING = ("updated_at", "created_at", "id", "priority")
COLUMNS = (
    ("id", "#"),
    ("subject", "Subject"),
    ("status", "Status"),
    ("priority", "Priority"),
    (None, "Assignee"),
    (None, "Team"),
    ("updated_at", "Updated"),
)
BULK_ACTIONS = ("assign", "status", "priority", "add_tag", "remove_tag", "merge")
Str = Annotated[str, Form()]


def current_view(session: Session, actor: Actor, params: QueryParams) -> View | None:
    slug = params.get("view")
    if slug is None:
        slug = "" if params.get("q") else "open"
    return views.find_view(session, actor, slug) if slug else None


def inbox_filters(view: View | None, params: QueryParams) -> TicketFilters:
    """The view's filters, with every field given in the query replacing the view's value."""
    data: dict[str, Any] = dict(view.filters) if view else {}
    for key in LIST_KEYS:
        if key in params:
            data[key] = [v.strip() for v in params.getlist(key) if v.strip()]
    for key, target in (("assignee", "assignee"), ("team", "team"), ("service", "service_id")):
        if key in params:
            data[target] = params.get(key) or None
    if "q" in params:
        data["q"] = (params.get("q") or "").strip() or None
    try:
        return TicketFilters.model_validate(data)
    except ValidationError as exc:
        raise Invalid(f"the filters are not valid: {problem_text(exc)}") from exc


def inbox_sort(view: View | None, params: QueryParams) -> str:
    sort = params.get("sort") or (view.sort if view else "-updated_at")
    if sort.lstrip("-") not in views.SORTABLE:
        raise Invalid(f"cannot sort by {sort!r}")
    return sort


def url_with(params: QueryParams, path: str = "/inbox", **changes: str | None) -> str:
    """This list's URL with some parameters replaced (None removes one)."""
    items = [(k, v) for k, v in params.multi_items() if k not in changes]
    items += [(k, v) for k, v in changes.items() if v is not None]
    query = urlencode(items)
    return f"{path}?{query}" if query else path


def _sort_links(params: QueryParams, sort: str) -> list[dict[str, Any]]:
    key, descending = sort.lstrip("-"), sort.startswith("-")
    columns = []
    for column, title in COLUMNS:
        entry: dict[str, Any] = {"key": column, "title": title, "url": None, "css": ""}
        if column is not None:
            if column == key:
                target = column if descending else f"-{column}"
                entry["css"] = "sorted" if descending else "sorted asc"
            else:
                target = f"-{column}" if column in DEFAULT_DESCENDING else column
            entry["url"] = url_with(params, sort=target, cursor=None)
        columns.append(entry)
    return columns


def _form_values(filters: TicketFilters) -> dict[str, str]:
    def first(values: Sequence[Any]) -> str:
        return str(getattr(values[0], "value", values[0])) if values else ""

    return {
        "status": first(filters.status),
        "priority": first(filters.priority),
        "channel": first(filters.channel),
        "tag": first(filters.tag),
        "assignee": "" if filters.assignee is None else str(filters.assignee),
        "team": "" if filters.team is None else str(filters.team),
        "service": "" if filters.service_id is None else str(filters.service_id),
        "q": filters.q or "",
    }


def _limit(params: QueryParams) -> int:
    raw = params.get("limit", "")
    return max(1, min(int(raw), 100)) if raw.isdigit() else PAGE_SIZE


@router.get("/inbox", response_class=HTMLResponse)
def inbox(page: StaffPage, session: SessionDep) -> HTMLResponse:
    params = page.request.query_params
    actor = page.actor
    view = current_view(session, actor, params)
    filters = inbox_filters(view, params)
    sort = inbox_sort(view, params)
    cursor = params.get("cursor") or None
    result = views.list_tickets(
        session,
        filters=filters,
        actor=actor,
        sort=sort,
        limit=_limit(params),
        cursor=cursor,
        with_total=True,
    )
    with i18n.use_locale(page.locale):
        title = (
            i18n.gettext(view.name)
            if view
            else (i18n.gettext("Search results") if filters.q else i18n.gettext("All tickets"))
        )
    live_params = QueryParams([(k, v) for k, v in params.multi_items() if k != "cursor"])
    return show(
        page,
        "tickets/inbox.html",
        **sidebar(session, actor),
        **choices(session, actor),
        title=title,
        current_view=view.slug if view else "",
        q=filters.q or "",
        form=_form_values(filters),
        sort=sort,
        columns=_sort_links(params, sort),
        due_url=url_with(params, sort="-due" if sort == "due" else "due", cursor=None),
        tickets=result.items,
        badges=extensions.inbox_row_badges(session, result.items, actor),
        banners=extensions.inbox_banners(session, actor),
        bulk_extras=extensions.bulk_actions(session, actor),
        total=result.total,
        next_url=url_with(params, cursor=result.next_cursor) if result.next_cursor else None,
        first_url=url_with(params, cursor=None) if cursor else None,
        clear_url=url_with(QueryParams({"view": view.slug if view else ""})),
        back=url_with(params),
        live_url=url_with(live_params, path="/live/tickets", after=str(live.latest_id(session))),
    )


# Bulk actions ---------------------------------------------------------------------------


def _ids(raw: Sequence[str]) -> list[int]:
    try:
        ids = list(dict.fromkeys(int(value) for value in raw))
    except ValueError as exc:
        raise Invalid("the selection is not valid") from exc
    if not ids:
        raise Invalid("select at least one ticket")
    if len(ids) > 200:
        raise Invalid("select at most 200 tickets at a time")
    return ids


def _one(session: Session, actor: Actor, ticket_id: int, action: str, value: str) -> None:
    if action == "assign":
        if not value:
            raise Invalid("choose an assignee")
        assignee = None if value == "none" else int(value)
        data = TicketUpdate(assignee_id=assignee)
    elif action in ("status", "priority"):
        if not value:
            raise Invalid(f"choose a {action}")
        data = TicketUpdate.model_validate({action: value})
    elif action in ("add_tag", "remove_tag"):
        tag = value.strip().lower()
        if not tag:
            raise Invalid("type a tag")
        current = tickets.get_ticket(session, ticket_id=ticket_id, actor=actor).tags
        wanted = [*current, tag] if action == "add_tag" else [t for t in current if t != tag]
        data = TicketUpdate(tags=wanted)
    else:
        raise Invalid(f"unknown bulk action {action!r}")
    tickets.update_ticket(session, ticket_id=ticket_id, data=data, actor=actor)


def apply_bulk(session: Session, actor: Actor, ids: list[int], action: str, value: str) -> int:
    """Applies one action to every ticket; raises on the first failure (the caller rolls back)."""
    if action == "merge":
        if not value.strip().lstrip("#").isdigit():
            raise Invalid("give the number of the ticket to merge into")
        target = int(value.strip().lstrip("#"))
        ids = [i for i in ids if i != target]
        if not ids:
            raise Invalid("select tickets other than the merge target")
    for ticket_id in ids:
        try:
            if action == "merge":
                merge.merge_tickets(session, source_id=ticket_id, target_id=target, actor=actor)
            else:
                _one(session, actor, ticket_id, action, value)
        except (CsopsError, ValidationError, ValueError) as exc:
            raise Invalid(f"#{ticket_id}: {problem_text(exc)}") from exc
    return len(ids)


@router.post("/inbox/bulk")
def bulk(
    page: StaffPage,
    session: SessionDep,
    csrf_token: Str = "",
    ids: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    action: Str = "",
    assignee: Str = "",
    status: Str = "",
    priority: Str = "",
    tag: Str = "",
    target: Str = "",
    back: Str = "/inbox",
) -> RedirectResponse:
    page.check_csrf(csrf_token)
    back_url = safe_next(back, "/inbox")
    value = {
        "assign": assignee,
        "status": status,
        "priority": priority,
        "add_tag": tag,
        "remove_tag": tag,
        "merge": target,
    }.get(action, "")
    try:
        count = apply_bulk(session, page.actor, _ids(ids), action, value)
    except CsopsError as exc:
        session.rollback()
        return flash_redirect(page.request, back_url, "bulk-failed", reason=problem_text(exc))
    return flash_redirect(page.request, back_url, "bulk-done", num=count)
