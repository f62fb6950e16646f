"""UI routes: one ticket — thread, reply/note editor, macros, properties, merge, history.

Every form posts and redirects (303) back with a flash (`csops.web.ui.flash`), so the page
works without JavaScript. A form whose use case fails (an illegal transition, a stale version,
a bad attachment) rolls the whole transaction back and says why in the flash.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from csops.domains.accounts import service as accounts
from csops.domains.accounts.actor import Actor
from csops.domains.kb import service as kb
from csops.domains.live import service as live
from csops.domains.tickets import lifecycle, merge, thread, views
from csops.domains.tickets import service as tickets
from csops.domains.tickets.models import (
    AuthorKind,
    Channel,
    Priority,
    Status,
    Ticket,
    TicketType,
)
from csops.domains.tickets.schemas import MessageCreate, TicketUpdate
from csops.errors import (
    Conflict,
    Invalid,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
)
from csops.i18n.labels import N_
from csops.web.deps import SessionDep
from csops.web.ui import extensions
from csops.web.ui.common import Page, StaffPage, problem_text, uploads_from
from csops.web.ui.flash import flash_redirect, show

router = APIRouter()

RECOVERABLE = (Invalid, Conflict, PreconditionFailed, PermissionDenied)
Str = Annotated[str, Form()]
FIELD_LABELS = {
    "subject": N_("Subject"),
    "status": N_("Status"),
    "priority": N_("Priority"),
    "type": N_("Type"),
    "assignee_id": N_("Assignee"),
    "team_id": N_("Team"),
    "service_id": N_("Service"),
    "tags": N_("Tags"),
    "custom_fields": N_("Custom fields"),
}
ENUM_FIELDS = ("status", "priority", "type")
# Shown through the `label` filter (channels, organization tiers), marked for extraction.
DISPLAY_LABELS = (
    N_("Web"),
    N_("Portal"),
    N_("Email"),
    N_("Api"),
    N_("Chat"),
    N_("Phone"),
    N_("Webhook"),
    N_("Free"),
    N_("Standard"),
    N_("Premium"),
    N_("Enterprise"),
    N_("Unsolved"),
)


def choices(session: Session, actor: Actor) -> dict[str, Any]:
    """Options for the filter, bulk and property forms."""
    return {
        "users": [u for u in accounts.list_users(session, actor=actor) if u.is_active],
        "teams": accounts.list_teams(session, actor=actor),
        "services": accounts.list_services(session, actor=actor),
        "statuses": list(Status),
        "priorities": list(Priority),
        "types": list(TicketType),
        "channels": list(Channel),
    }


def sidebar(session: Session, actor: Actor) -> dict[str, Any]:
    return {
        "views": views.all_views(session, actor),
        "counts": views.view_counts(session, actor),
    }


# The page ---------------------------------------------------------------------------------


def _names(session: Session, actor: Actor) -> dict[str, dict[str, str]]:
    return {
        "assignee_id": {str(u.id): u.name for u in accounts.list_users(session, actor=actor)},
        "team_id": {str(t.id): t.name for t in accounts.list_teams(session, actor=actor)},
        "service_id": {str(s.id): s.name for s in accounts.list_services(session, actor=actor)},
    }


def _who(session: Session, kind: AuthorKind, ident: int | None, users: dict[str, str]) -> str:
    if kind == AuthorKind.user and ident is not None:
        return users.get(str(ident), f"#{ident}")
    if kind == AuthorKind.customer and ident is not None:
        try:
            return accounts.get_customer(session, customer_id=ident, actor=Actor.system()).name
        except NotFound:
            return f"#{ident}"
    return "csops"


def history(session: Session, ticket: Ticket, actor: Actor) -> list[dict[str, Any]]:
    """Ticket events as lines for people: who, which field, old -> new (names, not ids), when."""
    names = _names(session, actor)
    entries = []
    for event in tickets.history(session, ticket_id=ticket.id, actor=actor):
        lookup = names.get(event.field, {})
        entries.append(
            {
                "field": event.field,
                "label": FIELD_LABELS.get(event.field, event.field),
                "who": _who(session, event.actor_kind, event.actor_id, names["assignee_id"]),
                "old": lookup.get(event.old_value or "", event.old_value),
                "new": lookup.get(event.new_value or "", event.new_value),
                "enum": event.field in ENUM_FIELDS,
                "at": event.created_at,
            }
        )
    return entries


def next_statuses(ticket: Ticket) -> list[Status]:
    allowed = lifecycle.ALLOWED[ticket.status]
    return [s for s in Status if s == ticket.status or s in allowed]


@router.get("/tickets/{ticket_id}", response_class=HTMLResponse)
def ticket_page(ticket_id: int, page: StaffPage, session: SessionDep) -> HTMLResponse:
    actor = page.actor
    ticket = tickets.get_ticket(session, ticket_id=ticket_id, actor=actor)
    messages = thread.list_messages(session, ticket_id=ticket.id, actor=actor)
    return show(
        page,
        "tickets/ticket.html",
        **sidebar(session, actor),
        **choices(session, actor),
        ticket=ticket,
        messages=messages,
        events=history(session, ticket, actor),
        macros=kb.list_macros(session, actor=actor),
        next_statuses=next_statuses(ticket),
        panels=extensions.ticket_panels(session, ticket, actor),
        live_url=f"/live/tickets/{ticket.id}?after={live.latest_id(session)}",
    )


# Forms ----------------------------------------------------------------------------------


def _back(ticket_id: int, anchor: str = "") -> str:
    return f"/tickets/{ticket_id}{anchor}"


def _failed(page: Page, session: Session, url: str, exc: Exception) -> RedirectResponse:
    session.rollback()
    if isinstance(exc, PreconditionFailed):
        return flash_redirect(page.request, url, "ticket-changed")
    return flash_redirect(page.request, url, "not-saved", reason=problem_text(exc))


@router.post("/tickets/{ticket_id}/messages")
def post_message(
    ticket_id: int,
    page: StaffPage,
    session: SessionDep,
    csrf_token: Str = "",
    body: Str = "",
    kind: Str = "public",
    status: Str = "",
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI copies defaults)
) -> RedirectResponse:
    page.check_csrf(csrf_token)
    tickets.get_ticket(session, ticket_id=ticket_id, actor=page.actor)
    try:
        if kind not in ("public", "note"):  # never guess "public" for a mangled form
            raise Invalid(f"unknown kind of message {kind[:50]!r}")
        data = MessageCreate.model_validate(
            {"body": body, "public": kind == "public", "status": status or None}
        )
        message = thread.add_message(
            session, ticket_id=ticket_id, data=data, actor=page.actor, uploads=uploads_from(files)
        )
    except (*RECOVERABLE, ValidationError) as exc:
        return _failed(page, session, _back(ticket_id, "#reply"), exc)
    done = "agent-reply-sent" if message.is_public else "note-added"
    return flash_redirect(page.request, _back(ticket_id, f"#msg-{message.id}"), done)


@router.post("/tickets/{ticket_id}/macro")
def post_macro(
    ticket_id: int, page: StaffPage, session: SessionDep, csrf_token: Str = "", macro_id: Str = ""
) -> RedirectResponse:
    page.check_csrf(csrf_token)
    tickets.get_ticket(session, ticket_id=ticket_id, actor=page.actor)
    try:
        if not macro_id.isdigit():
            raise Invalid("choose a macro")
        kb.apply_macro(session, macro_id=int(macro_id), ticket_id=ticket_id, actor=page.actor)
    except (*RECOVERABLE, NotFound, ValidationError) as exc:
        return _failed(page, session, _back(ticket_id), exc)
    return flash_redirect(page.request, _back(ticket_id), "macro-applied")


def _id_or_none(value: str) -> int | None:
    value = value.strip()
    if not value or value == "none":
        return None
    if not value.isdigit():
        raise Invalid(f"{value!r} is not a valid choice")
    return int(value)


def property_changes(ticket: Ticket, form: dict[str, str]) -> TicketUpdate:
    """Only the fields that differ from the ticket, so an unchanged field is never touched."""
    wanted: dict[str, Any] = {
        "status": form["status"] or ticket.status.value,
        "priority": form["priority"] or ticket.priority.value,
        "type": form["type"] or ticket.type.value,
        "assignee_id": _id_or_none(form["assignee_id"]),
        "team_id": _id_or_none(form["team_id"]),
    }
    current: dict[str, Any] = {
        "status": ticket.status.value,
        "priority": ticket.priority.value,
        "type": ticket.type.value,
        "assignee_id": ticket.assignee_id,
        "team_id": ticket.team_id,
    }
    values = {key: value for key, value in wanted.items() if value != current[key]}
    service_id = _id_or_none(form["service"])
    if service_id != ticket.service_id:
        values["service"] = service_id
    tags = [t.strip() for t in form["tags"].split(",") if t.strip()]
    update = TicketUpdate.model_validate({**values, "tags": tags})
    if update.tags == list(ticket.tags):
        update = TicketUpdate.model_validate(values)
    return update


@router.post("/tickets/{ticket_id}/properties")
def post_properties(
    ticket_id: int,
    page: StaffPage,
    session: SessionDep,
    csrf_token: Str = "",
    version: Str = "",
    status: Str = "",
    priority: Str = "",
    type: Str = "",  # noqa: A002 (the form field's name)
    assignee_id: Str = "",
    team_id: Str = "",
    service: Str = "",
    tags: Str = "",
) -> RedirectResponse:
    page.check_csrf(csrf_token)
    ticket = tickets.get_ticket(session, ticket_id=ticket_id, actor=page.actor)
    form = {
        "status": status,
        "priority": priority,
        "type": type,
        "assignee_id": assignee_id,
        "team_id": team_id,
        "service": service,
        "tags": tags,
    }
    try:
        if_match = f'W/"{ticket.id}-{version.strip()}"'
        data = property_changes(ticket, form)
        tickets.update_ticket(
            session, ticket_id=ticket_id, data=data, actor=page.actor, if_match=if_match
        )
    except (*RECOVERABLE, ValidationError) as exc:
        return _failed(page, session, _back(ticket_id), exc)
    return flash_redirect(page.request, _back(ticket_id), "ticket-updated")


@router.post("/tickets/{ticket_id}/merge")
def post_merge(
    ticket_id: int, page: StaffPage, session: SessionDep, csrf_token: Str = "", target_id: Str = ""
) -> RedirectResponse:
    page.check_csrf(csrf_token)
    tickets.get_ticket(session, ticket_id=ticket_id, actor=page.actor)
    raw = target_id.strip().lstrip("#")
    try:
        if not raw.isdigit():
            raise Invalid("give the number of the ticket to merge into")
        target = merge.merge_tickets(
            session, source_id=ticket_id, target_id=int(raw), actor=page.actor
        )
    except (*RECOVERABLE, NotFound) as exc:
        return _failed(page, session, _back(ticket_id), exc)
    return flash_redirect(page.request, _back(target.id), "ticket-merged", source=ticket_id)
