"""UI routes: incidents — list, declare, detail (timeline, linked tickets as masked evidence,
metrics), updates, links, trackers, postmortem editor; and the incident parts of the ticket
page and inbox (escalation panel, live status, banner, row badge, bulk link).

Every form posts with the CSRF token and answers 303 + a flash; a failed form comes back
to the page it was posted from with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Service, User
from csops.domains.incidents import evidence, metrics, postmortem, service, trackers
from csops.domains.incidents.models import (
    Incident,
    IncidentStatus,
    IncidentTicket,
    LinkSource,
    ResolutionPolicy,
    RoleKind,
    Severity,
)
from csops.domains.incidents.schemas import ActionItem, IncidentCreate, IncidentPatch, PostmortemIn
from csops.domains.tickets.models import Ticket
from csops.errors import Conflict, CsopsError, Invalid
from csops.i18n.labels import N_
from csops.web.deps import SessionDep
from csops.web.ui import extensions
from csops.web.ui.auth import Text, ints, sidebar_views
from csops.web.ui.common import Page, StaffPage, problem_text, safe_next
from csops.web.ui.flash import flash_redirect, not_saved, show

router = APIRouter(prefix="/incidents")
FormError = (ValidationError, CsopsError)
# Routes naming a row in their path let NotFound through (a 404), like the ticket pages.
PathFormError = (ValidationError, Invalid, Conflict)
Ids = Annotated[list[str], Form()]
# Enum values are shown through the `label` filter; marked here so extraction keeps them.
LABELS = (
    N_("Investigating"),
    N_("Identified"),
    N_("Monitoring"),
    N_("Resolved"),
    N_("Commander"),
    N_("Operations"),
    N_("Development"),
    N_("Test"),
    N_("Liaison"),
    N_("Solve"),
    N_("Notify"),
    N_("Escalation"),
    N_("Bulk"),
    N_("Auto"),
    N_("Signal"),
    N_("Manual"),
)


def _page(page: Page, session: Session, name: str, **extra: Any) -> Response:
    return show(page, name, views=sidebar_views(session, page), **extra)


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.replace("\n", ",").split(",") if w.strip()]


# Fixed paths first: they must win over /{incident_id}.
@router.post("/escalate")
def escalate(
    page: StaffPage,
    session: SessionDep,
    ticket_id: Text = "",
    incident_id: Text = "",
    title: Text = "",
    severity: Text = "SEV3",
    service_id: Text = "",
    summary: Text = "",
    csrf_token: Text = "",
) -> Response:
    """Escalate to engineering: link the ticket to an open incident, or declare one."""
    page.check_csrf(csrf_token)
    back = f"/tickets/{ticket_id}" if ticket_id.isdigit() else "/inbox"
    try:
        if not ticket_id.isdigit():
            raise Invalid("no ticket to escalate")
        with session.begin_nested():
            if incident_id.isdigit():
                target = int(incident_id)
            else:
                ticket = session.get(Ticket, int(ticket_id))
                data = _create_data(
                    title or (ticket.subject if ticket else ""),
                    severity,
                    [service_id],
                    summary,
                    "",
                    "solve",
                    "escalation",
                )
                target = service.create_incident(session, data=data, actor=page.actor).id
            service.link_tickets(
                session,
                incident_id=target,
                ticket_ids=[int(ticket_id)],
                actor=page.actor,
                source=LinkSource.escalation,
                note=summary[:2000],
            )
    except FormError as exc:
        return not_saved(page.request, back, exc)
    return flash_redirect(page.request, back, "incident-linked", num=1)


@router.post("/bulk-link")
def bulk_link(
    page: StaffPage,
    session: SessionDep,
    ids: Ids = [],  # noqa: B006
    incident_id: Text = "",
    back: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    target = safe_next(back, "/inbox")
    try:
        chosen = ints(ids)
        if not chosen or not incident_id.isdigit():
            raise Invalid("select tickets and an incident")
        with session.begin_nested():
            count = service.link_tickets(
                session,
                incident_id=int(incident_id),
                ticket_ids=chosen[:500],
                actor=page.actor,
                source=LinkSource.bulk,
            )
    except FormError as exc:
        return flash_redirect(page.request, target, "bulk-failed", reason=problem_text(exc))
    return flash_redirect(page.request, target, "incident-linked", num=count)


# Pages ---------------------------------------------------------------------------------


@router.get("")
def incident_list(page: StaffPage, session: SessionDep, status: str = "", q: str = "") -> Response:
    active = {"active": True, "resolved": False}.get(status)
    items, total = service.list_incidents(
        session, actor=page.actor, active=active, q=q[:200] or None, limit=100
    )
    return _page(
        page, session, "incidents/list.html", incidents=items, total=total, status=status, q=q
    )


@router.get("/new")
def incident_new(page: StaffPage, session: SessionDep, ticket_id: int | None = None) -> Response:
    services = session.scalars(select(Service).order_by(Service.name)).all()
    return _page(
        page,
        session,
        "incidents/new.html",
        services=services,
        severities=list(Severity),
        policies=list(ResolutionPolicy),
        ticket_id=ticket_id,
    )


def _create_data(
    title: str,
    severity: str,
    service_ids: list[str],
    summary: str,
    keywords: str,
    policy: str,
    source: str,
) -> IncidentCreate:
    return IncidentCreate.model_validate(
        {
            "title": title,
            "severity": severity or "SEV3",
            "service_ids": ints(service_ids),
            "summary": summary,
            "keywords": _words(keywords),
            "resolution_policy": policy or "solve",
            "source": source,
        }
    )


@router.post("")
def incident_create(
    page: StaffPage,
    session: SessionDep,
    title: Text = "",
    severity: Text = "SEV3",
    service_ids: Ids = [],  # noqa: B006
    summary: Text = "",
    keywords: Text = "",
    policy: Text = "solve",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    try:
        data = _create_data(title, severity, service_ids, summary, keywords, policy, "manual")
        with session.begin_nested():
            incident = service.create_incident(session, data=data, actor=page.actor)
    except FormError as exc:
        return not_saved(page.request, "/incidents/new", exc)
    return flash_redirect(
        page.request, f"/incidents/{incident.id}", "incident-created", incident=incident.id
    )


@router.get("/{incident_id}")
def incident_detail(page: StaffPage, session: SessionDep, incident_id: int) -> Response:
    return _detail(page, session, incident_id)


def _detail(page: Page, session: Session, incident_id: int, revealed: Any = None) -> Response:
    incident = service.get_incident(session, incident_id=incident_id, actor=page.actor)
    items = evidence.evidence(session, incident_id=incident.id, actor=page.actor)
    if revealed is not None:
        items = [revealed if e.ticket_id == revealed.ticket_id else e for e in items]
    return _page(
        page,
        session,
        "incidents/detail.html",
        incident=incident,
        timeline=list(reversed(service.timeline(session, incident_id=incident.id))),
        evidence=items,
        figures=metrics.compute(session, incident),
        acknowledged_at=metrics.acknowledged_at(session, incident),
        trackers=trackers.trackers_of(session, incident_id=incident.id),
        reveals=evidence.reveals(session, incident_id=incident.id),
        services=session.scalars(select(Service).order_by(Service.name)).all(),
        users=session.scalars(select(User).where(User.is_active).order_by(User.name)).all(),
        statuses=list(IncidentStatus),
        severities=list(Severity),
        policies=list(ResolutionPolicy),
        role_kinds=list(RoleKind),
    )


@router.post("/{incident_id}")
def incident_save(
    page: StaffPage,
    session: SessionDep,
    incident_id: int,
    title: Text = "",
    severity: Text = "",
    summary: Text = "",
    keywords: Text = "",
    policy: Text = "",
    service_ids: Ids = [],  # noqa: B006
    role_user_ids: Ids = [],  # noqa: B006
    role_kinds: Ids = [],  # noqa: B006
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    service.get_incident(session, incident_id=incident_id, actor=page.actor)
    back = f"/incidents/{incident_id}"
    roles = [
        {"role": kind, "user_id": int(uid)}
        for kind, uid in zip(role_kinds, role_user_ids, strict=False)
        if kind and uid.strip().isdigit()
    ]
    try:
        data = IncidentPatch.model_validate(
            {
                "title": title or None,
                "severity": severity or None,
                "summary": summary,
                "keywords": _words(keywords),
                "resolution_policy": policy or None,
                "service_ids": ints(service_ids),
                "roles": roles,
            }
        )
        with session.begin_nested():
            service.update_incident(session, incident_id=incident_id, data=data, actor=page.actor)
    except FormError as exc:
        return not_saved(page.request, back, exc)
    return flash_redirect(page.request, back, "incident-saved")


@router.post("/{incident_id}/updates")
def incident_post_update(
    page: StaffPage,
    session: SessionDep,
    incident_id: int,
    body: Text = "",
    public: Text = "",
    status: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    service.get_incident(session, incident_id=incident_id, actor=page.actor)
    back = f"/incidents/{incident_id}"
    try:
        if status and status not in {s.value for s in IncidentStatus}:
            raise Invalid(f"unknown status {status[:30]!r}")
        with session.begin_nested():
            service.post_update(
                session,
                incident_id=incident_id,
                body=body[:20_000],
                public=public in ("1", "true", "on"),
                status=status or None,
                actor=page.actor,
            )
    except FormError as exc:
        return not_saved(page.request, back, exc)
    return flash_redirect(page.request, back, "incident-update-posted")


@router.post("/{incident_id}/tickets")
def incident_link(
    page: StaffPage,
    session: SessionDep,
    incident_id: int,
    ticket_ids: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    service.get_incident(session, incident_id=incident_id, actor=page.actor)
    back = f"/incidents/{incident_id}"
    ids = ints(_words(ticket_ids.replace(" ", ",").replace("#", "")))
    try:
        if not ids:
            raise Invalid("give one or more ticket numbers")
        with session.begin_nested():
            count = service.link_tickets(
                session,
                incident_id=incident_id,
                ticket_ids=ids[:500],
                actor=page.actor,
                source=LinkSource.manual,
            )
    except FormError as exc:
        return not_saved(page.request, back, exc)
    return flash_redirect(page.request, back, "incident-linked", num=count)


@router.post("/{incident_id}/tickets/{linked_ticket_id}/unlink")
def incident_unlink(
    page: StaffPage,
    session: SessionDep,
    incident_id: int,
    linked_ticket_id: int,
    back: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    service.get_incident(session, incident_id=incident_id, actor=page.actor)
    target = safe_next(back, f"/incidents/{incident_id}")
    try:
        with session.begin_nested():
            service.unlink_ticket(
                session, incident_id=incident_id, ticket_id=linked_ticket_id, actor=page.actor
            )
    except PathFormError as exc:
        return not_saved(page.request, target, exc)
    return flash_redirect(page.request, target, "incident-unlinked", ticket=linked_ticket_id)


@router.post("/{incident_id}/page")
def incident_page(
    page: StaffPage, session: SessionDep, incident_id: int, csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    incident = service.get_incident(session, incident_id=incident_id, actor=page.actor)
    service.require(page.actor, "incidents:write")
    service.page(session, incident=incident, actor=page.actor)
    return flash_redirect(page.request, f"/incidents/{incident_id}", "incident-paged")


@router.post("/{incident_id}/trackers")
def incident_tracker(
    page: StaffPage,
    session: SessionDep,
    incident_id: int,
    tracker: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    service.get_incident(session, incident_id=incident_id, actor=page.actor)
    back = f"/incidents/{incident_id}"
    try:
        with session.begin_nested():
            issue = trackers.open_issue(
                session, incident_id=incident_id, tracker=tracker[:20], actor=page.actor
            )
    except FormError as exc:
        return not_saved(page.request, back, exc)
    return flash_redirect(page.request, back, "incident-tracker-opened", key=issue.key)


@router.post("/{incident_id}/evidence/{linked_ticket_id}/reveal")
def incident_reveal(
    page: StaffPage,
    session: SessionDep,
    incident_id: int,
    linked_ticket_id: int,
    reason: Text = "",
    csrf_token: Text = "",
) -> Response:
    """Shown once, on this answer; the reason goes to the audit table."""
    page.check_csrf(csrf_token)
    service.get_incident(session, incident_id=incident_id, actor=page.actor)
    try:
        if len(reason.strip()) < 5:
            raise Invalid("say why you need to see the customer's data (5 characters or more)")
        item = evidence.reveal(
            session,
            incident_id=incident_id,
            ticket_id=linked_ticket_id,
            reason=reason[:500],
            actor=page.actor,
        )
    except PathFormError as exc:
        return not_saved(page.request, f"/incidents/{incident_id}", exc)
    return _detail(page, session, incident_id, revealed=item)


# Postmortem ----------------------------------------------------------------------------


def _action_items(text: str) -> list[ActionItem]:
    """One per line: `action | owner | YYYY-MM-DD | done`; only the action is required."""
    items = []
    for line in text.splitlines()[:100]:
        parts = [p.strip() for p in line.split("|")]
        if not parts[0]:
            continue
        due = parts[2] if len(parts) > 2 else ""
        try:
            due_date = date.fromisoformat(due) if due else None
        except ValueError as exc:
            raise Invalid(f"due date {due[:20]!r} is not YYYY-MM-DD") from exc
        items.append(
            ActionItem(
                title=parts[0][:300],
                owner=parts[1][:200] if len(parts) > 1 else "",
                due=due_date,
                done=len(parts) > 3 and parts[3].lower() in ("x", "done", "yes"),
            )
        )
    return items


@router.get("/{incident_id}/postmortem")
def postmortem_edit(page: StaffPage, session: SessionDep, incident_id: int) -> Response:
    incident = service.get_incident(session, incident_id=incident_id, actor=page.actor)
    pm = postmortem.get_postmortem(session, incident_id=incident.id, actor=page.actor)
    lines = "\n".join(
        " | ".join([a.title, a.owner, a.due.isoformat() if a.due else "", "x" if a.done else ""])
        for a in pm.action_items
    )
    return _page(
        page, session, "incidents/postmortem.html", incident=incident, pm=pm, action_lines=lines
    )


@router.post("/{incident_id}/postmortem")
def postmortem_save(
    page: StaffPage,
    session: SessionDep,
    incident_id: int,
    summary: Text = "",
    impact: Text = "",
    root_cause: Text = "",
    lessons: Text = "",
    action_items: Text = "",
    published: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    service.get_incident(session, incident_id=incident_id, actor=page.actor)
    back = f"/incidents/{incident_id}/postmortem"
    try:
        data = PostmortemIn(
            summary=summary,
            impact=impact,
            root_cause=root_cause,
            lessons=lessons,
            action_items=_action_items(action_items),
            published=published in ("1", "true", "on"),
        )
        with session.begin_nested():
            postmortem.save_postmortem(
                session, incident_id=incident_id, data=data, actor=page.actor
            )
    except FormError as exc:
        return not_saved(page.request, back, exc)
    return flash_redirect(page.request, back, "postmortem-saved")


# From the ticket page and the inbox ----------------------------------------------------


def _open_incidents(session: Session) -> list[Incident]:
    return service.active_incidents(session)


@extensions.ticket_panel(20)
def ticket_panel(session: Session, ticket: Ticket, actor: Actor) -> extensions.Panel | None:
    if not actor.is_staff:
        return None
    linked = service.incidents_for_ticket(session, ticket_id=ticket.id)
    latest = {i.id: service.latest_public_update(session, incident_id=i.id) for i in linked}
    return extensions.Panel(
        "incidents/_ticket_panel.html",
        {
            "ticket": ticket,
            "linked": linked,
            "latest": latest,
            "open": [i for i in _open_incidents(session) if i not in linked],
            "services": session.scalars(select(Service).order_by(Service.name)).all(),
            "severities": list(Severity),
        },
    )


@extensions.inbox_banner(20)
def inbox_banner(session: Session, actor: Actor) -> extensions.Panel | None:
    active = [i for i in _open_incidents(session) if not i.is_drill]
    if not active or not actor.is_staff:
        return None
    return extensions.Panel("incidents/_banner.html", {"incidents": active})


@extensions.bulk_action(20)
def bulk_panel(session: Session, actor: Actor) -> extensions.Panel | None:
    active = _open_incidents(session)
    if not active or not actor.is_staff:
        return None
    return extensions.Panel("incidents/_bulk.html", {"incidents": active})


@extensions.row_badges(20)
def row_badges(
    session: Session, tickets: Sequence[Ticket], actor: Actor
) -> dict[int, extensions.Panel]:
    rows = session.execute(
        select(IncidentTicket.ticket_id, Incident.id, Incident.severity, Incident.status)
        .join(Incident, Incident.id == IncidentTicket.incident_id)
        .where(
            IncidentTicket.ticket_id.in_([t.id for t in tickets]),
            IncidentTicket.unlinked_at.is_(None),
            Incident.status != IncidentStatus.resolved,
        )
    ).all()
    return {
        tid: extensions.Panel("incidents/_badge.html", {"id": iid, "severity": sev.value})
        for tid, iid, sev, _status in rows
    }
