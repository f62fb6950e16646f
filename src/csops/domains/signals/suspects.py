"""Agents' decisions on suspected incidents: confirm (becomes an incident with its tickets)
or dismiss with a reason. Both are kept and tune the service's sensitivity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.accounts.actor import Actor
from csops.domains.incidents import service as incidents
from csops.domains.incidents.schemas import IncidentCreate
from csops.domains.signals.models import ClusterTicket, SuspectedIncident, SuspectStatus
from csops.errors import Conflict, Invalid, NotFound, PermissionDenied


def _require(actor: Actor) -> None:
    if not actor.is_staff or not actor.has_scope("signals:write"):
        raise PermissionDenied("signals:write is needed")


def get_suspect(session: Session, suspect_id: int) -> SuspectedIncident:
    row = session.get(SuspectedIncident, suspect_id)
    if row is None:
        raise NotFound("no such suspected incident")
    return row


def list_suspects(
    session: Session,
    *,
    status: str | None = "open",
    limit: int = 50,
    detected_since: datetime | None = None,
) -> list[SuspectedIncident]:
    query = select(SuspectedIncident).order_by(SuspectedIncident.id.desc()).limit(limit)
    if status:
        query = query.where(SuspectedIncident.status == SuspectStatus(status))
    if detected_since is not None:
        query = query.where(SuspectedIncident.detected_at >= detected_since)
    return list(session.scalars(query))


def confirm(
    session: Session, *, suspect_id: int, actor: Actor, severity: str = "SEV2"
) -> SuspectedIncident:
    """Declare the incident and link every ticket of the burst (and of its cluster since)."""
    _require(actor)
    suspect = get_suspect(session, suspect_id)
    if suspect.status != SuspectStatus.open:
        raise Conflict(f"already {suspect.status.value}")
    since = list(
        session.scalars(
            select(ClusterTicket.ticket_id).where(
                ClusterTicket.cluster_id == suspect.cluster_id,
                ClusterTicket.created_at >= suspect.started_at,
            )
        )
    )
    ticket_ids = list(dict.fromkeys([*suspect.ticket_ids, *since]))
    incident = incidents.create_incident(
        session,
        data=IncidentCreate.model_validate(
            {
                "title": suspect.title,
                "severity": severity,
                "service_ids": [suspect.service_id] if suspect.service_id else [],
                "summary": str(suspect.evidence.get("explanation", "")),
                "source": "signal",
                "started_at": suspect.started_at,
                "page": False,
            }
        ),
        actor=actor,
    )
    incidents.link_tickets(session, incident_id=incident.id, ticket_ids=ticket_ids, actor=actor)
    suspect.status = SuspectStatus.confirmed
    suspect.incident_id = incident.id
    suspect.ticket_ids = ticket_ids
    _decided(suspect, actor)
    return suspect


def dismiss(session: Session, *, suspect_id: int, actor: Actor, reason: str) -> SuspectedIncident:
    _require(actor)
    if not reason.strip():
        raise Invalid("a reason is needed to dismiss")
    suspect = get_suspect(session, suspect_id)
    if suspect.status != SuspectStatus.open:
        raise Conflict(f"already {suspect.status.value}")
    suspect.status = SuspectStatus.dismissed
    suspect.reason = reason.strip()[:2000]
    _decided(suspect, actor)
    return suspect


def _decided(suspect: SuspectedIncident, actor: Actor) -> None:
    suspect.decided_by_id = actor.id if actor.kind == "user" else None
    suspect.decided_at = clock.now()
