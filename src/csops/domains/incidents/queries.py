"""Read-only queries over incidents, shared by the service, the loop and the pages."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.incidents.access import require
from csops.domains.incidents.models import (
    Incident,
    IncidentService,
    IncidentStatus,
    IncidentTicket,
    IncidentUpdate,
    Severity,
)


def list_incidents(
    session: Session,
    *,
    actor: Actor,
    status: IncidentStatus | None = None,
    severity: Severity | None = None,
    service_id: int | None = None,
    active: bool | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Incident], int]:
    require(actor, "incidents:read")
    query = select(Incident)
    if status is not None:
        query = query.where(Incident.status == status)
    if severity is not None:
        query = query.where(Incident.severity == severity)
    if active is not None:
        resolved = Incident.status == IncidentStatus.resolved
        query = query.where(~resolved if active else resolved)
    if service_id is not None:
        query = query.where(
            Incident.id.in_(
                select(IncidentService.incident_id).where(IncidentService.service_id == service_id)
            )
        )
    if q:
        pattern = f"%{q.strip()[:100]}%"
        query = query.where(or_(Incident.title.ilike(pattern), Incident.summary.ilike(pattern)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Incident.started_at.desc(), Incident.id.desc()).limit(limit).offset(offset)
    ).all()
    return list(rows), total


def active_incidents_for_service(session: Session, *, service_id: int) -> list[Incident]:
    query = (
        select(Incident)
        .join(IncidentService, IncidentService.incident_id == Incident.id)
        .where(IncidentService.service_id == service_id)
        .where(Incident.status != IncidentStatus.resolved)
        .order_by(Incident.severity, Incident.started_at)
    )
    return list(session.scalars(query).unique())


def active_incidents(session: Session) -> list[Incident]:
    query = select(Incident).where(Incident.status != IncidentStatus.resolved)
    return list(session.scalars(query.order_by(Incident.severity, Incident.started_at)))


def linked_tickets(session: Session, *, incident_id: int) -> list[IncidentTicket]:
    return list(
        session.scalars(
            select(IncidentTicket)
            .where(IncidentTicket.incident_id == incident_id, IncidentTicket.unlinked_at.is_(None))
            .order_by(IncidentTicket.id)
        )
    )


def incidents_for_ticket(session: Session, *, ticket_id: int) -> list[Incident]:
    query = (
        select(Incident)
        .join(IncidentTicket, IncidentTicket.incident_id == Incident.id)
        .where(IncidentTicket.ticket_id == ticket_id, IncidentTicket.unlinked_at.is_(None))
        .order_by(Incident.id.desc())
    )
    return list(session.scalars(query))


def timeline(
    session: Session, *, incident_id: int, public_only: bool = False
) -> list[IncidentUpdate]:
    query = select(IncidentUpdate).where(IncidentUpdate.incident_id == incident_id)
    if public_only:
        query = query.where(IncidentUpdate.is_public.is_(True))
    return list(session.scalars(query.order_by(IncidentUpdate.created_at, IncidentUpdate.id)))


def latest_public_update(session: Session, *, incident_id: int) -> IncidentUpdate | None:
    return session.scalar(
        select(IncidentUpdate)
        .where(IncidentUpdate.incident_id == incident_id, IncidentUpdate.is_public.is_(True))
        .order_by(IncidentUpdate.created_at.desc(), IncidentUpdate.id.desc())
        .limit(1)
    )
