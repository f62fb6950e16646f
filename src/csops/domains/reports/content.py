"""What a complaint or perception report says about one period, as plain data.

Themes come from the signals area's clusters when its tables exist, else from ticket tags
and the frequent words of subjects. Spikes are days far above the previous four weeks, plus
incidents opened in the period. Everything is compared with the previous period of the
same length. No customer is named: CSAT verbatims are shown without their author.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.domains.reports import kpis, kpis_ops
from csops.domains.reports.filters import KpiFilter
from csops.domains.reports.models import ReportKind
from csops.domains.reports.periods import Period, day_keys
from csops.domains.tickets.models import Ticket, TicketTag

STOPWORDS = frozenset(
    "the and for with from that this have has not but are was were you your our about after "
    "again cannot can't does doesn't into when what which will would there their they them "
    "please help issue problem still just been some also only more than then".split()
)
WORD = re.compile(r"[a-z][a-z'-]{3,}")


@dataclass
class Theme:
    name: str
    count: int
    previous: int

    @property
    def movement(self) -> int:
        return self.count - self.previous


@dataclass
class ReportData:
    period: Period
    previous: Period
    volume: kpis.Volume
    previous_total: int
    per_day_previous: list[int]
    themes: list[Theme]
    spikes: list[dict[str, Any]]
    suspects: list[dict[str, Any]]
    sla: dict[str, Any] | None
    breaches: list[dict[str, Any]]
    csat: dict[str, Any] | None
    csat_previous: dict[str, Any] | None
    ratings: dict[int, int]
    verbatims: list[dict[str, Any]]
    incidents: list[dict[str, Any]]
    incident_kpis: dict[str, Any] | None
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def perception(self) -> bool:
        return self.period.kind != ReportKind.daily


def _filter(period: Period) -> KpiFilter:
    return KpiFilter(start=period.start, end=period.end)


def _tag_counts(session: Session, period: Period) -> Counter[str]:
    rows = session.execute(
        select(TicketTag.tag, func.count())
        .join(Ticket, Ticket.id == TicketTag.ticket_id)
        .where(Ticket.created_at >= period.start, Ticket.created_at < period.end)
        .group_by(TicketTag.tag)
    ).all()
    return Counter({str(tag): int(n) for tag, n in rows})


def _subject_words(session: Session, period: Period, limit: int = 5000) -> Counter[str]:
    subjects = session.scalars(
        select(Ticket.subject)
        .where(Ticket.created_at >= period.start, Ticket.created_at < period.end)
        .limit(limit)
    ).all()
    words: Counter[str] = Counter()
    for subject in subjects:
        words.update({w for w in WORD.findall(subject.lower()) if w not in STOPWORDS})
    return words


def _cluster_counts(session: Session, period: Period) -> Counter[str] | None:
    """Ticket counts per signals cluster label, when the signals area keeps clusters."""
    clusters = kpis_ops.table("signal_clusters")
    members = kpis_ops.table("signal_cluster_tickets")
    if clusters is None or members is None:
        return None
    rows = session.execute(
        select(clusters.c.id, clusters.c.label, func.count())
        .select_from(members.join(clusters, clusters.c.id == members.c.cluster_id))
        .join(Ticket, Ticket.id == members.c.ticket_id)
        .where(Ticket.created_at >= period.start, Ticket.created_at < period.end)
        .group_by(clusters.c.id, clusters.c.label)
    ).all()
    found: Counter[str] = Counter()
    for cluster_id, label, n in rows:
        found[str(label or f"cluster #{cluster_id}")] += int(n)
    return found or None


def themes(session: Session, period: Period, limit: int = 8) -> list[Theme]:
    now_counts = _cluster_counts(session, period)
    source = "clusters"
    if now_counts is None:
        source = "tags"
        now_counts = _tag_counts(session, period)
        if not now_counts:
            source = "words"
            now_counts = _subject_words(session, period)
    before = {
        "clusters": lambda: _cluster_counts(session, period.previous()) or Counter(),
        "tags": lambda: _tag_counts(session, period.previous()),
        "words": lambda: _subject_words(session, period.previous()),
    }[source]()
    return [Theme(name, n, before.get(name, 0)) for name, n in now_counts.most_common(limit)]


def suspects(session: Session, period: Period) -> list[dict[str, Any]]:
    """Suspected incidents the signals area detected in the period."""
    table = kpis_ops.table("signal_suspects")
    if table is None:
        return []
    rows = session.execute(
        select(table.c.title, table.c.status, table.c.detected_at, table.c.ticket_ids)
        .where(table.c.detected_at >= period.start, table.c.detected_at < period.end)
        .order_by(table.c.detected_at)
        .limit(20)
    ).all()
    return [
        {"title": title, "status": str(status), "at": at, "tickets": len(ids or [])}
        for title, status, at, ids in rows
    ]


def spikes(session: Session, period: Period, per_day: dict[str, int]) -> list[dict[str, Any]]:
    """Days of the period whose volume is over mean + 3 sd of the 28 days before it."""
    history_start = period.start - timedelta(days=28)
    before = kpis.volume(session, KpiFilter(start=history_start, end=period.start)).per_day
    values = [before.get(day, 0) for day in day_keys(history_start, 28)]
    mean, sd = float(np.mean(values)), float(np.std(values))
    threshold = max(mean + 3 * sd, mean * 1.5, 5.0)
    return [
        {"day": day, "tickets": n, "usual": round(mean, 1)}
        for day, n in per_day.items()
        if n > threshold
    ]


def sla_breaches(session: Session, period: Period, limit: int = 15) -> list[dict[str, Any]]:
    slas = kpis_ops.table("ticket_slas")
    if slas is None:
        return []
    rows = session.execute(
        select(Ticket.id, Ticket.subject, slas.c.metric, slas.c.breached_at)
        .join(Ticket, Ticket.id == slas.c.ticket_id)
        .where(slas.c.breached_at >= period.start, slas.c.breached_at < period.end)
        .order_by(slas.c.breached_at)
        .limit(limit)
    ).all()
    return [
        {"ticket_id": tid, "subject": subject, "metric": str(metric), "at": at}
        for tid, subject, metric, at in rows
    ]


def csat_details(session: Session, period: Period) -> tuple[dict[int, int], list[dict[str, Any]]]:
    """Ratings 1..5 and their counts; the latest comments, without their authors."""
    surveys = kpis_ops.table("csat_surveys")
    if surveys is None:
        return {}, []
    c = surveys.c
    in_period = [c.answered_at >= period.start, c.answered_at < period.end]
    counts = dict.fromkeys(range(1, 6), 0)
    for rating, n in session.execute(
        select(c.rating, func.count()).where(*in_period, c.rating.is_not(None)).group_by(c.rating)
    ):
        counts[int(rating)] = int(n)
    comments = session.execute(
        select(c.rating, c.comment)
        .where(*in_period, c.comment != "")
        .order_by(c.answered_at.desc())
        .limit(8)
    ).all()
    return counts, [{"rating": r, "comment": text[:500]} for r, text in comments]


def incident_impact(session: Session, period: Period) -> list[dict[str, Any]]:
    inc, links = kpis_ops.table("incidents"), kpis_ops.table("incident_tickets")
    if inc is None or links is None:
        return []
    linked = (
        select(
            links.c.incident_id,
            func.count(Ticket.id).label("tickets"),
            func.count(func.distinct(Ticket.requester_id)).label("customers"),
        )
        .join(Ticket, Ticket.id == links.c.ticket_id)
        .where(links.c.unlinked_at.is_(None))
        .group_by(links.c.incident_id)
        .subquery()
    )
    rows = session.execute(
        select(inc.c.id, inc.c.title, inc.c.severity, inc.c.status, linked.c.tickets)
        .add_columns(linked.c.customers, inc.c.started_at, inc.c.resolved_at)
        .outerjoin(linked, linked.c.incident_id == inc.c.id)
        .where(inc.c.detected_at >= period.start, inc.c.detected_at < period.end)
        .where(inc.c.is_drill.is_(False))
        .order_by(inc.c.detected_at)
    ).all()
    return [
        {
            "id": r[0],
            "title": r[1],
            "severity": str(r[2]),
            "status": str(r[3]),
            "tickets": int(r[4] or 0),
            "customers": int(r[5] or 0),
            "hours": None if r[7] is None else round((r[7] - r[6]).total_seconds() / 3600, 1),
        }
        for r in rows
    ]


CHANGES: tuple[tuple[str, str, bool, str], ...] = (
    # (label, key, higher is better, kind)
    ("First response p50", "first_response", False, "hours"),
    ("Resolution p50", "resolution", False, "hours"),
    ("SLA attainment", "sla", True, "rate"),
    ("CSAT average", "csat", True, "score"),
    ("Reopen rate", "reopen", False, "rate"),
)


def _headline(
    session: Session, f: KpiFilter, sla: dict[str, Any] | None, sat: dict[str, Any] | None
) -> dict[str, float | None]:
    """The headline KPIs of `f`, given its SLA and CSAT figures (the report shows those too)."""
    return {
        "first_response": kpis.first_response(session, f).p50_hours,
        "resolution": kpis.resolution(session, f).p50_hours,
        "sla": sla["rate"] if sla else None,
        "csat": sat["average"] if sat else None,
        "reopen": kpis.reopen_rate(session, f),
    }


def changes(
    now_values: dict[str, float | None], before: dict[str, float | None]
) -> list[dict[str, Any]]:
    """Each headline KPI now and in the previous period, and whether it improved."""
    found = []
    for label, key, higher_better, kind in CHANGES:
        a, b = now_values[key], before[key]
        improved = None if a is None or b is None or a == b else (a > b) == higher_better
        found.append({"label": label, "now": a, "before": b, "improved": improved, "kind": kind})
    return found


def gather(session: Session, period: Period) -> ReportData:
    previous = period.previous()
    f, prev_f = _filter(period), _filter(previous)
    vol = kpis.volume(session, f)
    prev_vol = kpis.volume(session, prev_f)
    ratings, verbatims = csat_details(session, period)
    sla, sat = kpis_ops.sla_attainment(session, f), kpis_ops.csat(session, f)
    prev_sat = kpis_ops.csat(session, prev_f)
    prev_headline = _headline(session, prev_f, kpis_ops.sla_attainment(session, prev_f), prev_sat)
    return ReportData(
        period=period,
        previous=previous,
        volume=vol,
        previous_total=prev_vol.total,
        per_day_previous=list(prev_vol.per_day.values()),
        themes=themes(session, period),
        spikes=spikes(session, period, vol.per_day),
        suspects=suspects(session, period),
        sla=sla,
        breaches=sla_breaches(session, period),
        csat=sat,
        csat_previous=prev_sat,
        ratings=ratings,
        verbatims=verbatims,
        incidents=incident_impact(session, period),
        incident_kpis=kpis_ops.incidents(session, f),
        changes=changes(_headline(session, f, sla, sat), prev_headline),
    )
