"""KPIs from the operations areas (SLA attainment, CSAT, escalations, incidents), read from
their tables by name: an area that is absent contributes nothing (shown as "no data").

Ticket-scoped figures (SLA, CSAT, escalations) honour every dimension of the filter through
`ticket_facts`; incident figures honour the period and the service only (an incident
belongs to services, not to a team or an agent).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Table, and_, case, func, or_, select
from sqlalchemy.orm import Session

from csops.db import Base
from csops.domains.reports.filters import KpiFilter
from csops.domains.reports.models import TicketFact
from csops.i18n.labels import N_

GOOD_RATING = 4  # ratings 4 and 5 (and "good", stored as 5) count as satisfied


def table(name: str) -> Table | None:
    return Base.metadata.tables.get(name)


def _card(label: str, value: Any, kind: str) -> dict[str, Any]:
    return {"label": label, "value": value, "kind": kind}


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _count_of(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows of the query match `condition` (a conditional count in the select)."""
    return func.sum(case((condition, 1), else_=0))


def _in_scope(f: KpiFilter, ticket_id: Any) -> list[ColumnElement[bool]]:
    """Restricts a ticket-keyed column to tickets matching the filter's dimensions."""
    dims = f.fact_conditions()[2:]  # the first two bound the period
    if not dims:
        return []
    return [ticket_id.in_(select(TicketFact.ticket_id).where(*dims))]


def sla_attainment(session: Session, f: KpiFilter) -> dict[str, Any] | None:
    """Targets settled in the period: achieved / (achieved + breached)."""
    slas = table("ticket_slas")
    if slas is None:
        return None
    c = slas.c
    is_achieved = and_(c.status == "achieved", c.achieved_at >= f.start, c.achieved_at < f.end)
    is_breached = and_(c.status == "breached", c.breached_at >= f.start, c.breached_at < f.end)
    achieved, breached = session.execute(
        select(_count_of(is_achieved), _count_of(is_breached))
        .select_from(slas)
        .where(or_(is_achieved, is_breached), *_in_scope(f, c.ticket_id))
    ).one()
    a, b = int(achieved or 0), int(breached or 0)
    return {"achieved": a, "breached": b, "rate": _rate(a, a + b)}


def csat(session: Session, f: KpiFilter) -> dict[str, Any] | None:
    """Surveys sent in the period: response rate, average rating, share of good ratings."""
    surveys = table("csat_surveys")
    if surveys is None:
        return None
    c = surveys.c
    where = [c.sent_at >= f.start, c.sent_at < f.end, *_in_scope(f, c.ticket_id)]
    sent, answered, average, good = session.execute(
        select(
            func.count(),
            func.count(c.rating),
            func.avg(c.rating),
            func.sum(case((c.rating >= GOOD_RATING, 1), else_=0)),
        )
        .select_from(surveys)
        .where(*where)
    ).one()
    answered = int(answered or 0)
    return {
        "sent": int(sent or 0),
        "answered": answered,
        "response_rate": _rate(answered, int(sent or 0)),
        "average": None if average is None else round(float(average), 2),
        "good_rate": _rate(int(good or 0), answered),
    }


def csat_by_agent(session: Session, f: KpiFilter) -> list[dict[str, Any]]:
    surveys, users = table("csat_surveys"), table("users")
    if surveys is None or users is None:
        return []
    c = surveys.c
    rows = session.execute(
        select(
            users.c.name,
            func.count(c.rating),
            func.avg(c.rating),
            func.sum(case((c.rating >= GOOD_RATING, 1), else_=0)),
        )
        .select_from(surveys.join(users, users.c.id == c.assignee_id))
        .where(c.sent_at >= f.start, c.sent_at < f.end, *_in_scope(f, c.ticket_id))
        .group_by(users.c.id, users.c.name)
        .having(func.count(c.rating) > 0)
        .order_by(users.c.name)
    ).all()
    return [
        {
            "agent": name,
            "answered": int(n),
            "average": round(float(avg), 2),
            "good_rate": _rate(int(good or 0), int(n)),
        }
        for name, n, avg, good in rows
    ]


def escalation(session: Session, f: KpiFilter) -> dict[str, Any] | None:
    """Tickets created in the period that were linked to an incident (engineering)."""
    links = table("incident_tickets")
    if links is None:
        return None
    linked = select(links.c.ticket_id).where(links.c.unlinked_at.is_(None))
    row = session.execute(
        select(func.count(), _count_of(TicketFact.ticket_id.in_(linked)))
        .select_from(TicketFact)
        .where(*f.fact_conditions())
    ).one()
    created, escalated = int(row[0] or 0), int(row[1] or 0)
    return {"tickets": created, "escalated": escalated, "rate": _rate(escalated, created)}


def _hours(seconds: list[float], q: float) -> float | None:
    if not seconds:
        return None
    return float(np.quantile(np.asarray(seconds, dtype=float), q)) / 3600


def _span(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def incidents(session: Session, f: KpiFilter) -> dict[str, Any] | None:
    """Real (not drill) incidents detected in the period: MTTA, MTTR, tickets per incident,
    and the time from each public update to the customers' notification."""
    inc = table("incidents")
    if inc is None:
        return None
    where: list[Any] = [
        inc.c.detected_at >= f.start,
        inc.c.detected_at < f.end,
        inc.c.is_drill.is_(False),
    ]
    services = table("incident_services")
    if f.service_id is not None and services is not None:
        where.append(
            inc.c.id.in_(
                select(services.c.incident_id).where(services.c.service_id == f.service_id)
            )
        )
    rows = session.execute(
        select(inc.c.id, inc.c.started_at, inc.c.detected_at, inc.c.acknowledged_at)
        .add_columns(inc.c.resolved_at)
        .where(*where)
    ).all()
    ids = [r[0] for r in rows]
    ack = [s for r in rows if (s := _span(r[2], r[3])) is not None]
    fix = [s for r in rows if (s := _span(r[1], r[4])) is not None]
    return {
        "count": len(ids),
        "mtta_hours": float(np.mean(ack)) / 3600 if ack else None,
        "mttr_hours": float(np.mean(fix)) / 3600 if fix else None,
        "tickets_per_incident": _tickets_per_incident(session, ids),
        "notify": _notify_latency(session, ids),
    }


def _tickets_per_incident(session: Session, ids: list[int]) -> float | None:
    links = table("incident_tickets")
    if links is None or not ids:
        return None
    n = session.scalar(
        select(func.count())
        .select_from(links)
        .where(links.c.incident_id.in_(ids), links.c.unlinked_at.is_(None))
    )
    return round(int(n or 0) / len(ids), 2)


def _notify_latency(session: Session, ids: list[int]) -> dict[str, Any]:
    deliveries, updates = table("incident_deliveries"), table("incident_updates")
    if deliveries is None or updates is None or not ids:
        return {"count": 0, "p50_hours": None, "p95_hours": None}
    rows = session.execute(
        select(updates.c.created_at, deliveries.c.outbox_ids, deliveries.c.created_at)
        .select_from(deliveries.join(updates, updates.c.id == deliveries.c.update_id))
        .where(deliveries.c.incident_id.in_(ids))
    ).all()
    sent = _outbox_times(session, {oid for _, oids, _ in rows for oid in oids or []})
    latencies: list[float] = []
    for posted, oids, delivered in rows:
        reached = [sent[o] for o in oids or [] if o in sent] or [delivered]
        latencies.append(max(0.0, (min(reached) - posted).total_seconds()))
    return {
        "count": len(latencies),
        "p50_hours": _hours(latencies, 0.5),
        "p95_hours": _hours(latencies, 0.95),
    }


def _outbox_times(session: Session, ids: set[int]) -> dict[int, datetime]:
    outbox = table("outbox_items")
    if outbox is None or not ids:
        return {}
    rows = session.execute(
        select(outbox.c.id, outbox.c.sent_at, outbox.c.created_at).where(outbox.c.id.in_(ids))
    ).all()
    return {oid: sent or queued for oid, sent, queued in rows}


def collect(session: Session, f: KpiFilter) -> dict[str, Any]:
    sla = sla_attainment(session, f)
    sat = csat(session, f)
    esc = escalation(session, f)
    inc = incidents(session, f)
    cards = [
        _card(N_("SLA attainment"), sla and sla["rate"], "rate"),
        _card(N_("SLA breaches"), sla and sla["breached"], "count"),
        _card(N_("CSAT average (1-5)"), sat and sat["average"], "score"),
        _card(N_("CSAT good"), sat and sat["good_rate"], "rate"),
        _card(N_("Survey response rate"), sat and sat["response_rate"], "rate"),
        _card(N_("Escalation rate to engineering"), esc and esc["rate"], "rate"),
        _card(N_("Incidents"), inc and inc["count"], "count"),
        _card(N_("Incident MTTA"), inc and inc["mtta_hours"], "hours"),
        _card(N_("Incident MTTR"), inc and inc["mttr_hours"], "hours"),
        _card(N_("Tickets per incident"), inc and inc["tickets_per_incident"], "score"),
        _card(N_("Time to notify customers p50"), inc and inc["notify"]["p50_hours"], "hours"),
        _card(N_("Time to notify customers p95"), inc and inc["notify"]["p95_hours"], "hours"),
    ]
    return {
        "cards": cards,
        "sla": sla,
        "csat": sat,
        "csat_by_agent": csat_by_agent(session, f),
        "escalation": esc,
        "incidents": inc,
    }
