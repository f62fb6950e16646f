"""Incidents as API shapes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.incidents import metrics, pii, service, trackers
from csops.domains.incidents.models import Incident, IncidentReference, IncidentTicket
from csops.domains.incidents.schemas import (
    IncidentDetail,
    IncidentOut,
    LinkOut,
    ReferenceOut,
    RoleOut,
    TrackerOut,
    UpdateOut,
)
from csops.domains.tickets.models import Ticket


def incident_out(session: Session, incident: Incident) -> IncidentOut:
    return IncidentOut(
        id=incident.id,
        title=incident.title,
        summary=incident.summary,
        severity=incident.severity,
        status=incident.status,
        source=incident.source,
        is_drill=incident.is_drill,
        resolution_policy=incident.resolution_policy,
        keywords=list(incident.keywords),
        service_ids=incident.service_ids,
        roles=[RoleOut(role=r.role, user_id=r.user_id, name=r.user.name) for r in incident.roles],
        started_at=incident.started_at,
        detected_at=incident.detected_at,
        acknowledged_at=metrics.acknowledged_at(session, incident),
        mitigated_at=incident.mitigated_at,
        resolved_at=incident.resolved_at,
        created_at=incident.created_at,
        updated_at=incident.updated_at,
    )


def links(session: Session, incident_id: int, limit: int = 1000) -> list[LinkOut]:
    rows = session.execute(
        select(IncidentTicket, Ticket)
        .join(Ticket, Ticket.id == IncidentTicket.ticket_id)
        .where(IncidentTicket.incident_id == incident_id, IncidentTicket.unlinked_at.is_(None))
        .order_by(IncidentTicket.id)
        .limit(limit)
    ).all()
    return [
        LinkOut(
            ticket_id=ticket.id,
            subject=pii.mask(ticket.subject, names=[ticket.requester.name]),
            status=ticket.status.value,
            requester=f"customer {ticket.requester_id}",
            source=link.source,
            created_at=link.created_at,
        )
        for link, ticket in rows
    ]


def incident_detail(session: Session, incident: Incident) -> IncidentDetail:
    base = incident_out(session, incident)
    references = session.scalars(
        select(IncidentReference)
        .where(IncidentReference.incident_id == incident.id)
        .order_by(IncidentReference.id)
    ).all()
    return IncidentDetail(
        **base.model_dump(),
        updates=[
            UpdateOut.model_validate(u) for u in service.timeline(session, incident_id=incident.id)
        ],
        tickets=links(session, incident.id),
        references=[ReferenceOut.model_validate(r) for r in references],
        trackers=[
            TrackerOut.model_validate(t)
            for t in trackers.trackers_of(session, incident_id=incident.id)
        ],
        metrics=metrics.compute(session, incident),
    )
