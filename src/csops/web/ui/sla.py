"""UI: SLA clocks in the inbox rows, banner and ticket page; admin pages for policies and
calendars under /admin/sla (managers and admins). Forms answer 303 with a flash."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Tier
from csops.domains.sla import service
from csops.domains.sla.schemas import CalendarIn, MetricState, PolicyIn, PolicyPatch
from csops.domains.sla.timers import WEEKDAYS
from csops.domains.tickets.access import ticket_filter
from csops.domains.tickets.models import Channel, Priority, Ticket, TicketType
from csops.domains.tickets.views import UNSOLVED
from csops.errors import CsopsError, Invalid, NotFound
from csops.i18n.labels import N_
from csops.web.deps import SessionDep
from csops.web.ui import extensions
from csops.web.ui.auth import Text, sidebar_views
from csops.web.ui.common import StaffPage, problem_text
from csops.web.ui.flash import flash_redirect, register_messages, show

router = APIRouter()
register_messages(
    {
        "sla-saved": ("ok", N_("SLA settings saved")),
        "sla-deleted": ("ok", N_("SLA policy deleted")),
    }
)
Many = Annotated[list[str], Form()]
AT_RISK = timedelta(hours=1)


# Clocks on the inbox and the ticket page ------------------------------------------------


def headline(states: Sequence[MetricState]) -> MetricState | None:
    """The state to show in a row: the running target due first, else the last one."""
    running = [s for s in states if s.achieved_at is None]
    if running:
        return min(running, key=lambda s: (s.paused, s.target_at or now() + timedelta(days=9999)))
    return states[-1] if states else None


@extensions.row_badges(30)
def sla_badges(session: Session, tickets: Sequence[Ticket], actor: Actor) -> dict[int, Any]:
    states = service.states_for(session, [t.id for t in tickets])
    out = {}
    for ticket_id, metrics in states.items():
        state = headline(metrics)
        if state is not None:
            out[ticket_id] = extensions.Panel("sla/_badge.html", {"state": state})
    return out


@extensions.ticket_panel(30)
def sla_panel(session: Session, ticket: Ticket, actor: Actor) -> extensions.Panel | None:
    if not actor.is_staff:
        return None
    state = service.ticket_state(session, ticket_id=ticket.id, actor=actor)
    return extensions.Panel("sla/_panel.html", {"sla": state})


@extensions.inbox_banner(30)
def sla_banner(session: Session, actor: Actor) -> extensions.Panel | None:
    at = now()
    base = select(func.count(Ticket.id)).where(
        ticket_filter(actor), Ticket.status.in_(list(UNSOLVED))
    )
    breached = session.scalar(base.where(Ticket.sla_next_breach_at <= at)) or 0
    soon = (
        session.scalar(
            base.where(Ticket.sla_next_breach_at > at, Ticket.sla_next_breach_at <= at + AT_RISK)
        )
        or 0
    )
    return extensions.Panel("sla/_banner.html", {"breached": breached, "soon": soon})


# Admin ---------------------------------------------------------------------------------


def _page(page: StaffPage, session: Session) -> Response:
    service.require_admin(page.actor)
    return show(
        page,
        "sla/admin.html",
        views=sidebar_views(session, page),
        policies=service.list_policies(session, actor=page.actor),
        calendars=service.list_calendars(session),
        priorities=list(Priority),
        types=list(TicketType),
        tiers=list(Tier),
        channels=list(Channel),
        weekdays=WEEKDAYS,
    )


@router.get("/admin/sla")
def admin(page: StaffPage, session: SessionDep) -> Response:
    return _page(page, session)


def _ints(text: str, what: str) -> list[int]:
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        raise Invalid(f"{what}: give whole numbers separated by commas")
    return [int(p) for p in parts]


def _minutes(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Invalid("targets are whole minutes")
    return int(raw)


def policy_values(form: dict[str, Any]) -> dict[str, Any]:
    """The policy form as PolicyIn fields (raises Invalid for what is not a number)."""
    internal = {"yes": True, "no": False}.get(form["internal"])
    return {
        "name": form["name"].strip(),
        "description": form["description"],
        "position": _minutes(form["position"]) if form["position"].strip() else None,
        "enabled": form["enabled"] == "on",
        "conditions": {
            "priorities": form["priorities"],
            "types": form["types"],
            "tiers": form["tiers"],
            "channels": form["channels"],
            "service_ids": _ints(form["service_ids"], "services"),
            "request_types": [t.strip() for t in form["request_types"].split(",") if t.strip()],
            "internal": internal,
        },
        "calendar_id": int(form["calendar_id"]) if form["calendar_id"].isdigit() else None,
        "business_hours": form["business_hours"] == "on",
        "first_response_minutes": _minutes(form["first_response_minutes"]),
        "next_response_minutes": _minutes(form["next_response_minutes"]),
        "resolution_minutes": _minutes(form["resolution_minutes"]),
        "pause_on_pending": form["pause_on_pending"] == "on",
        "pause_on_hold": form["pause_on_hold"] == "on",
        "warn_percents": _ints(form["warn_percents"], "warnings"),
        "escalate": form["escalate"],
    }


def _save(page: StaffPage, session: Session, work: Any) -> RedirectResponse:
    try:
        work()
    except (CsopsError, ValidationError, ValueError) as exc:
        session.rollback()
        return flash_redirect(page.request, "/admin/sla", "not-saved", reason=problem_text(exc))
    return flash_redirect(page.request, "/admin/sla", "sla-saved")


def _ident(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise Invalid("unknown item")
    return int(raw)


@router.post("/admin/sla/policies")
def save_policy(  # noqa: PLR0913 (one parameter per form field)
    page: StaffPage,
    session: SessionDep,
    csrf_token: Text = "",
    policy_id: Text = "",
    name: Text = "",
    description: Text = "",
    position: Text = "",
    enabled: Text = "",
    priorities: Many = [],  # noqa: B006 (FastAPI copies defaults)
    types: Many = [],  # noqa: B006
    tiers: Many = [],  # noqa: B006
    channels: Many = [],  # noqa: B006
    service_ids: Text = "",
    request_types: Text = "",
    internal: Text = "",
    calendar_id: Text = "",
    business_hours: Text = "",
    first_response_minutes: Text = "",
    next_response_minutes: Text = "",
    resolution_minutes: Text = "",
    pause_on_pending: Text = "",
    pause_on_hold: Text = "",
    warn_percents: Text = "75,90",
    escalate: Many = [],  # noqa: B006
) -> RedirectResponse:
    """Adds a policy, or (with `policy_id`) saves one."""
    page.check_csrf(csrf_token)
    form = dict(locals())

    def work() -> None:
        values = policy_values(form)
        ident = _ident(policy_id)
        if ident is None:
            service.create_policy(session, data=PolicyIn.model_validate(values), actor=page.actor)
        else:
            data = PolicyPatch.model_validate(values)
            service.update_policy(session, policy_id=ident, data=data, actor=page.actor)

    return _save(page, session, work)


@router.post("/admin/sla/policies/{policy_id}/delete")
def delete_policy(
    page: StaffPage, session: SessionDep, policy_id: int, csrf_token: Text = ""
) -> RedirectResponse:
    page.check_csrf(csrf_token)
    try:
        service.delete_policy(session, policy_id=policy_id, actor=page.actor)
    except NotFound:
        raise
    except CsopsError as exc:
        return flash_redirect(page.request, "/admin/sla", "not-saved", reason=problem_text(exc))
    return flash_redirect(page.request, "/admin/sla", "sla-deleted")


def parse_hours(text: str) -> dict[str, list[list[str]]]:
    """Lines like "mon 09:00-12:00 13:00-18:00" to {"mon": [["09:00", "12:00"], ...]}."""
    hours: dict[str, list[list[str]]] = {}
    for line in text.splitlines():
        words = line.replace(",", " ").split()
        if not words:
            continue
        day = words[0].lower()[:3]
        if day not in WEEKDAYS:
            raise Invalid(f"unknown weekday in {line.strip()!r}")
        for span in words[1:]:
            start, sep, end = span.partition("-")
            if not sep:
                raise Invalid(f"write hours as 09:00-18:00, not {span!r}")
            hours.setdefault(day, []).append([start, end])
    return hours


def parse_dates(text: str) -> list[date]:
    try:
        return [date.fromisoformat(w) for w in text.replace(",", " ").split()]
    except ValueError as exc:
        raise Invalid("write holidays as YYYY-MM-DD") from exc


@router.post("/admin/sla/calendars")
def save_calendar(
    page: StaffPage,
    session: SessionDep,
    csrf_token: Text = "",
    calendar_id: Text = "",
    name: Text = "",
    timezone: Text = "UTC",
    hours: Text = "",
    holiday_country: Text = "",
    holiday_subdiv: Text = "",
    custom_holidays: Text = "",
    always_open: Text = "",
) -> RedirectResponse:
    """Adds a calendar, or (with `calendar_id`) saves one."""
    page.check_csrf(csrf_token)

    def work() -> None:
        data = CalendarIn(
            name=name.strip(),
            timezone=timezone.strip() or "UTC",
            hours=parse_hours(hours),
            holiday_country=holiday_country.strip().upper() or None,
            holiday_subdiv=holiday_subdiv.strip().upper() or None,
            custom_holidays=parse_dates(custom_holidays),
            always_open=always_open == "on",
        )
        ident = _ident(calendar_id)
        service.save_calendar(session, data=data, actor=page.actor, calendar_id=ident)

    return _save(page, session, work)
