"""Incidents: declare, change, link tickets, post updates to the timeline.

Public updates reach customers through the `incidents.deliver` job (loop.py), enqueued in
the same transaction as the update, so posting stays fast however many tickets are linked
and each (update, ticket) pair is delivered exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Service, User
from csops.domains.incidents.access import require
from csops.domains.incidents.models import (
    Incident,
    IncidentReference,
    IncidentRole,
    IncidentService,
    IncidentStatus,
    IncidentTicket,
    IncidentUpdate,
    LinkSource,
    RoleKind,
    Severity,
)
from csops.domains.incidents.queries import (
    active_incidents,
    active_incidents_for_service,
    incidents_for_ticket,
    latest_public_update,
    linked_tickets,
    list_incidents,
    timeline,
)
from csops.domains.incidents.schemas import IncidentCreate, IncidentPatch, RoleIn
from csops.domains.live import service as live
from csops.domains.notifications import webhooks
from csops.domains.oncall import service as oncall
from csops.domains.tickets.access import get_visible_ticket
from csops.errors import Invalid, NotFound
from csops.jobs.queue import enqueue

log = logging.getLogger("csops.incidents")

__all__ = [
    "active_incidents",
    "active_incidents_for_service",
    "incidents_for_ticket",
    "latest_public_update",
    "linked_tickets",
    "list_incidents",
    "require",
    "timeline",
]

PAGED_SEVERITIES = (Severity.sev1, Severity.sev2)
TIMESTAMP_FOR_STATUS = {
    IncidentStatus.identified: "acknowledged_at",
    IncidentStatus.monitoring: "mitigated_at",
    IncidentStatus.resolved: "resolved_at",
}


def _check_services(session: Session, service_ids: Sequence[int]) -> None:
    if not service_ids:
        return
    found = set(session.scalars(select(Service.id).where(Service.id.in_(service_ids))))
    missing = sorted(set(service_ids) - found)
    if missing:
        raise Invalid(f"unknown service ids: {missing}")


def _set_roles(session: Session, incident: Incident, roles: Sequence[RoleIn]) -> None:
    user_ids = {r.user_id for r in roles}
    if user_ids:
        found = set(session.scalars(select(User.id).where(User.id.in_(user_ids))))
        if user_ids - found:
            raise Invalid(f"unknown user ids: {sorted(user_ids - found)}")
    pairs = list(dict.fromkeys((r.role, r.user_id) for r in roles))
    incident.roles.clear()
    session.flush()  # deletes before inserts: a kept (role, user) pair must not collide
    incident.roles.extend(IncidentRole(role=role, user_id=uid) for role, uid in pairs)


def touch(session: Session, incident: Incident) -> None:
    """Every change moves updated_at: the status page's cache compares it."""
    incident.updated_at = now()
    session.flush()
    live.publish(session, topic="incidents", payload={"incident_id": incident.id})


def record_timeline(
    session: Session,
    incident: Incident,
    body: str,
    *,
    actor: Actor,
    public: bool = False,
    status: IncidentStatus | None = None,
    source: str = "manual",
) -> IncidentUpdate:
    entry = IncidentUpdate(
        incident_id=incident.id,
        body=body,
        is_public=public,
        status=status,
        source=source,
        author_user_id=actor.id if actor.kind == "user" else None,
        author_name=actor.name,
        created_at=now(),
    )
    session.add(entry)
    session.flush()
    return entry


def create_incident(session: Session, *, data: IncidentCreate, actor: Actor) -> Incident:
    require(actor, "incidents:write")
    _check_services(session, data.service_ids)
    stamp = now()
    started = data.started_at or stamp
    if started > stamp:
        raise Invalid("an incident cannot start in the future")
    incident = Incident(
        title=data.title,
        summary=data.summary,
        severity=data.severity,
        status=IncidentStatus.investigating,
        source=data.source,
        is_drill=data.is_drill,
        keywords=data.keywords,
        resolution_policy=data.resolution_policy,
        created_by_id=actor.id if actor.kind == "user" else None,
        started_at=started,
        detected_at=stamp,
        created_at=stamp,
        updated_at=stamp,
        services=[IncidentService(service_id=sid) for sid in data.service_ids],
    )
    session.add(incident)
    session.flush()
    roles = list(data.roles)
    if data.commander_id is not None:
        roles.insert(0, RoleIn(role=RoleKind.commander, user_id=data.commander_id))
    _set_roles(session, incident, roles)
    record_timeline(session, incident, f"Incident declared ({data.severity.value}).", actor=actor)
    wants_page = data.page if data.page is not None else data.severity in PAGED_SEVERITIES
    if wants_page:
        page(session, incident=incident, actor=actor)
    touch(session, incident)
    webhooks.emit(
        session,
        event_type="incident.created",
        event_key=f"incident:{incident.id}:created",
        payload=_webhook_payload(incident),
    )
    return incident


def _webhook_payload(incident: Incident) -> dict[str, Any]:
    return {
        "incident_id": incident.id,
        "title": incident.title,
        "severity": incident.severity.value,
        "status": incident.status.value,
        "service_ids": incident.service_ids,
        "is_drill": incident.is_drill,
    }


def page(session: Session, *, incident: Incident, actor: Actor) -> bool:
    """Page the owners of the first affected service (or the team of none); False if none."""
    service_id = incident.service_ids[0] if incident.service_ids else None
    result = oncall.trigger_page(
        session,
        title=f"[{incident.severity.value}] {incident.title}",
        dedup_key=f"incident:{incident.id}",
        service_id=service_id,
        incident_id=incident.id,
        source="incident",
        details=incident.summary,
        drill=incident.is_drill,
    )
    note = "On-call paged." if result is not None else "Page suppressed (maintenance)."
    record_timeline(session, incident, note, actor=actor, source="system")
    return result is not None


def get_incident(session: Session, *, incident_id: int, actor: Actor) -> Incident:
    require(actor, "incidents:read")
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"incident {incident_id} not found")
    return incident


def update_incident(
    session: Session, *, incident_id: int, data: IncidentPatch, actor: Actor
) -> Incident:
    incident = get_incident(session, incident_id=incident_id, actor=actor)
    require(actor, "incidents:write")
    fields = data.model_dump(exclude_unset=True)
    if "service_ids" in fields and data.service_ids is not None:
        _check_services(session, data.service_ids)
        incident.services = [IncidentService(service_id=s) for s in dict.fromkeys(data.service_ids)]
    if "roles" in fields and data.roles is not None:
        _set_roles(session, incident, data.roles)
    for name in ("title", "severity", "summary", "keywords", "resolution_policy"):
        value = getattr(data, name)
        if name in fields and value is not None:
            setattr(incident, name, value)
    for name in ("started_at", "detected_at", "acknowledged_at", "mitigated_at"):
        if name in fields:
            value = getattr(data, name)
            if value is not None and value > now():
                raise Invalid(f"{name} cannot be in the future")
            setattr(incident, name, value)
    if incident.detected_at < incident.started_at:
        raise Invalid("detected_at cannot be before started_at")
    changed = ", ".join(sorted(fields)) or "nothing"
    record_timeline(session, incident, f"Changed {changed}.", actor=actor, source="system")
    touch(session, incident)
    return incident


def _apply_status(incident: Incident, status: IncidentStatus, at: datetime) -> None:
    if status == IncidentStatus.investigating and incident.status == IncidentStatus.resolved:
        incident.resolved_at = None
    incident.status = status
    stamp_field = TIMESTAMP_FOR_STATUS.get(status)
    if stamp_field and getattr(incident, stamp_field) is None:
        setattr(incident, stamp_field, at)
    if status == IncidentStatus.resolved:
        incident.mitigated_at = incident.mitigated_at or at
        incident.acknowledged_at = incident.acknowledged_at or at


def post_update(
    session: Session,
    *,
    incident_id: int,
    body: str,
    public: bool,
    status: IncidentStatus | str | None = None,
    actor: Actor,
    source: str = "manual",
) -> IncidentUpdate:
    """Add to the timeline; a status moves the incident, a public update goes to customers."""
    incident = get_incident(session, incident_id=incident_id, actor=actor)
    require(actor, "incidents:write")
    if not body.strip():
        raise Invalid("an update needs a body")
    new_status = IncidentStatus(status) if status is not None else None
    entry = record_timeline(
        session,
        incident,
        body.strip(),
        actor=actor,
        public=public,
        status=new_status,
        source=source,
    )
    if new_status is not None:
        _apply_status(incident, new_status, entry.created_at)
    if public or new_status == IncidentStatus.resolved:
        enqueue(
            session,
            kind="incidents.deliver",
            payload={"update_id": entry.id},
            unique_key=f"incidents.deliver:{entry.id}",
            priority=5,
        )
    if public:
        enqueue(session, kind="statuspage.fanout", payload={"update_id": entry.id})
    touch(session, incident)
    webhooks.emit(
        session,
        event_type="incident.updated",
        event_key=f"incident:{incident.id}:update:{entry.id}",
        payload={
            **_webhook_payload(incident),
            "update": entry.body if public else "",
            "public": public,
        },
    )
    return entry


def link_tickets(
    session: Session,
    *,
    incident_id: int,
    ticket_ids: Sequence[int],
    actor: Actor,
    source: LinkSource = LinkSource.manual,
    note: str = "",
) -> int:
    """Link tickets the actor may see; returns how many were newly linked."""
    incident = get_incident(session, incident_id=incident_id, actor=actor)
    require(actor, "incidents:write")
    tickets = [get_visible_ticket(session, ticket_id=tid, actor=actor) for tid in ticket_ids]
    existing = {
        link.ticket_id: link
        for link in session.scalars(
            select(IncidentTicket).where(
                IncidentTicket.incident_id == incident.id,
                IncidentTicket.ticket_id.in_([t.id for t in tickets]),
            )
        )
    }
    linked = 0
    for ticket in tickets:
        link = existing.get(ticket.id)
        if link is not None and link.unlinked_at is None:
            continue
        if link is None:
            link = IncidentTicket(incident_id=incident.id, ticket_id=ticket.id)
            session.add(link)
        link.source, link.note, link.unlinked_at = source, note, None
        link.linked_by_id = actor.id if actor.kind == "user" else None
        link.created_at = now()
        linked += 1
    if linked:
        record_timeline(
            session,
            incident,
            f"Linked {linked} ticket(s) ({source.value}).",
            actor=actor,
            source="system",
        )
        for ticket in tickets:
            live.publish(
                session, topic="tickets", payload={"action": "updated", "ticket_id": ticket.id}
            )
        touch(session, incident)
    return linked


def unlink_ticket(session: Session, *, incident_id: int, ticket_id: int, actor: Actor) -> None:
    incident = get_incident(session, incident_id=incident_id, actor=actor)
    require(actor, "incidents:write")
    link = session.scalar(
        select(IncidentTicket).where(
            IncidentTicket.incident_id == incident.id,
            IncidentTicket.ticket_id == ticket_id,
            IncidentTicket.unlinked_at.is_(None),
        )
    )
    if link is None:
        raise NotFound(f"ticket {ticket_id} is not linked to incident {incident_id}")
    link.unlinked_at = now()
    record_timeline(
        session, incident, f"Unlinked ticket #{ticket_id}.", actor=actor, source="system"
    )
    touch(session, incident)


def add_reference(
    session: Session,
    *,
    incident_id: int,
    kind: str,
    external_id: str,
    title: str = "",
    url: str = "",
) -> None:
    """Attach an alert, change or other record (called by the signals domain)."""
    exists = session.scalar(
        select(IncidentReference.id).where(
            IncidentReference.incident_id == incident_id,
            IncidentReference.kind == kind,
            IncidentReference.external_id == external_id,
        )
    )
    if exists is None:
        session.add(
            IncidentReference(
                incident_id=incident_id, kind=kind, external_id=external_id, title=title, url=url
            )
        )
        session.flush()
