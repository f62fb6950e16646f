"""What one incident cost and how fast customers heard: counts, durations, notify latency."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.domains.incidents.models import (
    Incident,
    IncidentDelivery,
    IncidentTicket,
    IncidentUpdate,
)
from csops.domains.incidents.schemas import Durations, Metrics
from csops.domains.notifications.models import OutboxItem
from csops.domains.oncall.models import Page
from csops.domains.tickets.models import Ticket


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def acknowledged_at(session: Session, incident: Incident) -> datetime | None:
    """The incident's own acknowledgment, else the first acknowledgment of its page."""
    if incident.acknowledged_at is not None:
        return incident.acknowledged_at
    return session.scalar(
        select(func.min(Page.acknowledged_at)).where(Page.incident_id == incident.id)
    )


def durations(session: Session, incident: Incident) -> Durations:
    return Durations(
        time_to_detect=_seconds(incident.started_at, incident.detected_at),
        time_to_acknowledge=_seconds(incident.detected_at, acknowledged_at(session, incident)),
        time_to_mitigate=_seconds(incident.started_at, incident.mitigated_at),
        time_to_resolve=_seconds(incident.started_at, incident.resolved_at),
    )


def notify_latencies(session: Session, incident_id: int) -> list[float]:
    """Seconds from each public update to each customer notification (sent, else queued)."""
    rows = session.execute(
        select(IncidentUpdate.created_at, IncidentDelivery.outbox_ids, IncidentDelivery.created_at)
        .join(IncidentUpdate, IncidentUpdate.id == IncidentDelivery.update_id)
        .where(IncidentDelivery.incident_id == incident_id)
    ).all()
    outbox_ids = {oid for _, ids, _ in rows for oid in ids}
    times: dict[int, datetime] = {}
    if outbox_ids:
        for oid, sent, queued in session.execute(
            select(OutboxItem.id, OutboxItem.sent_at, OutboxItem.created_at).where(
                OutboxItem.id.in_(outbox_ids)
            )
        ):
            times[oid] = sent or queued
    latencies: list[float] = []
    for posted, ids, delivered in rows:
        reached = [times[oid] for oid in ids if oid in times] or [delivered]
        latencies.append(max(0.0, (min(reached) - posted).total_seconds()))
    return latencies


def compute(session: Session, incident: Incident) -> Metrics:
    linked = select(IncidentTicket.ticket_id).where(
        IncidentTicket.incident_id == incident.id, IncidentTicket.unlinked_at.is_(None)
    )
    tickets, customers, first = session.execute(
        select(
            func.count(Ticket.id),
            func.count(func.distinct(Ticket.requester_id)),
            func.min(Ticket.created_at),
        ).where(Ticket.id.in_(linked))
    ).one()
    latencies = notify_latencies(session, incident.id)
    p50 = p95 = None
    if latencies:
        p50 = float(np.percentile(latencies, 50))
        p95 = float(np.percentile(latencies, 95))
    first_at = (
        first if first is None or first.tzinfo else first.replace(tzinfo=incident.created_at.tzinfo)
    )
    return Metrics(
        customers_affected=customers,
        tickets_linked=tickets,
        first_report_to_incident_seconds=(
            _seconds(first_at, incident.created_at)
            if first_at and first_at < incident.created_at
            else (0.0 if first_at else None)
        ),
        notify_p50_seconds=p50,
        notify_p95_seconds=p95,
        notifications=len(latencies),
        durations=durations(session, incident),
    )
