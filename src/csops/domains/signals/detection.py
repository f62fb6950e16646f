"""Per-ticket signal processing: cluster the ticket, test for spikes, open suspected incidents.

Counts per key (cluster, service, organisation) come from ``signal_cluster_tickets``; the
expected counts, the test and the start estimate are the engine's (``shrunk_share``,
``expected_counts``, ``burst_test``, ``scan_start`` in csops.engine.spikes), exactly what
``SpikeDetector`` runs in memory and ``bench/outage_replay.py`` measures; only the key's share
comes from the last week's rows here instead of decayed in-memory counters. One open suspected
incident per service (per cluster for tickets without a service) collects the burst's tickets.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.clock import as_utc
from csops.config import get_settings
from csops.domains.accounts.models import Service
from csops.domains.oncall import service as oncall
from csops.domains.rules.facts import first_message_text
from csops.domains.signals import state
from csops.domains.signals.changes import candidates
from csops.domains.signals.models import ClusterTicket, SuspectedIncident, SuspectStatus
from csops.domains.tickets.models import Ticket
from csops.engine.correlation import explain, rank_causes
from csops.engine.spikes import (
    MIN_HISTORY_HOURS,
    WINDOWS_MIN,
    SeasonalBaseline,
    burst_test,
    expected_counts,
    scan_start,
    sensitivity_from_feedback,
    shrunk_share,
)

PRIOR_SHARE, PRIOR_WEIGHT = 0.01, 200.0
BURST_OVER_AFTER = timedelta(hours=2)  # the detector's cooldown: quieter than this, it is over


def ticket_text(session: Session, ticket: Ticket) -> str:
    return f"{ticket.subject}\n{first_message_text(session, ticket.id)}"


def process_ticket(session: Session, ticket_id: int) -> SuspectedIncident | None:
    """Assign the ticket to a cluster and run spike detection; idempotent per ticket."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or session.get(ClusterTicket, ticket_id) is not None:
        return None
    at = ticket.created_at
    text = ticket_text(session, ticket)
    placed = state.assign_ticket(session, text, at, ticket_id=ticket.id)
    cluster = placed.cluster
    session.add(
        ClusterTicket(
            ticket_id=ticket.id,
            cluster_id=cluster.id,
            similarity=placed.similarity,
            service_id=ticket.service_id,
            organization_id=ticket.organization_id,
            customer_id=ticket.requester_id,
            created_at=at,
        )
    )
    base_row, baseline = state.load_baseline(session)
    baseline.observe(at.timestamp())
    state.save_baseline(base_row, baseline)
    session.flush()
    keys: list[tuple[str, Any]] = [("cluster_id", cluster.id)]
    if ticket.service_id is not None:
        keys.append(("service_id", ticket.service_id))
    if ticket.organization_id is not None:
        keys.append(("organization_id", ticket.organization_id))
    home = _home_key(ticket.service_id, cluster.id)
    suspect = _live_suspect(session, home, at)
    if suspect is not None and (suspect.cluster_id == cluster.id or ticket.service_id):
        suspect.ticket_ids = [*suspect.ticket_ids, ticket.id]
        return suspect
    if baseline.hours_seen < MIN_HISTORY_HOURS:
        return None
    scope = _Scope(session, at, baseline, ticket.service_id)
    for column, value in keys:
        hit = _test_key(scope, column, value)
        if hit is not None:
            return _open(session, home, column, value, hit, at, cluster.id, cluster.label, ticket)
    return None


def _home_key(service_id: int | None, cluster_id: int) -> str:
    return f"service:{service_id}" if service_id is not None else f"cluster:{cluster_id}"


def _live_suspect(session: Session, key: str, at: datetime) -> SuspectedIncident | None:
    """The key's open suspect while its burst goes on: one that has had no ticket for
    ``BURST_OVER_AFTER`` stops collecting, and a later burst opens a suspect of its own."""
    suspect = _open_suspect(session, key)
    if suspect is None:
        return None
    last = session.get(ClusterTicket, suspect.ticket_ids[-1]) if suspect.ticket_ids else None
    last_at = as_utc(last.created_at) if last is not None else as_utc(suspect.detected_at)
    return suspect if as_utc(at) - last_at <= BURST_OVER_AFTER else None


def _open_suspect(session: Session, key: str) -> SuspectedIncident | None:
    return session.scalar(
        select(SuspectedIncident)
        .where(SuspectedIncident.key == key, SuspectedIncident.status == SuspectStatus.open)
        .order_by(SuspectedIncident.id.desc())
        .limit(1)
    )


def service_sensitivity(session: Session, service_id: int | None) -> float:
    """The global sensitivity, tuned by agents' past confirmations/dismissals on the service."""
    base = get_settings().signals_sensitivity
    if service_id is None:
        return base
    rows = session.execute(
        select(SuspectedIncident.status, func.count())
        .where(SuspectedIncident.service_id == service_id)
        .group_by(SuspectedIncident.status)
    ).all()
    counts = {status: int(n) for status, n in rows}
    confirmed = counts.get(SuspectStatus.confirmed, 0)
    dismissed = counts.get(SuspectStatus.dismissed, 0)
    if confirmed + dismissed == 0:
        return base
    return base * sensitivity_from_feedback(confirmed, dismissed)


@dataclass
class _Scope:
    """What the keys of one ticket share; the week's total and the sensitivity are read once."""

    session: Session
    at: datetime
    baseline: SeasonalBaseline
    service_id: int | None

    @cached_property
    def week_total(self) -> int:
        week = self.at - timedelta(days=7)
        return self.session.scalar(select(func.count()).where(ClusterTicket.created_at > week)) or 0

    @cached_property
    def sensitivity(self) -> float:
        return service_sensitivity(self.session, self.service_id)


def _test_key(scope: _Scope, column: str, value: Any) -> dict[str, Any] | None:
    session, at, baseline = scope.session, scope.at, scope.baseline
    col = getattr(ClusterTicket, column)
    horizon = at - timedelta(minutes=max(WINDOWS_MIN))
    times = np.array(
        [
            t.timestamp()
            for t in session.scalars(
                select(ClusterTicket.created_at).where(
                    col == value, ClusterTicket.created_at > horizon, ClusterTicket.created_at <= at
                )
            )
        ]
    )
    now_s = at.timestamp()
    observed = np.array([(times > now_s - w * 60).sum() for w in WINDOWS_MIN], dtype=float)
    min_count = get_settings().signals_min_count
    if observed.max() < min_count:
        return None
    week = at - timedelta(days=7)
    n_key, first = session.execute(
        select(func.count(), func.min(ClusterTicket.created_at)).where(
            col == value, ClusterTicket.created_at > week
        )
    ).one()
    # The burst itself must not raise its own expectation: the share leaves the window out.
    share = shrunk_share(
        (n_key or 0) - observed[-1], scope.week_total - observed[-1], PRIOR_SHARE, PRIOR_WEIGHT
    )
    age = now_s - as_utc(first).timestamp() if first is not None else 0.0
    windows_s = np.asarray(WINDOWS_MIN, dtype=np.float64) * 60.0
    expected = expected_counts(baseline, share, now_s, windows_s, age)
    result = burst_test(
        observed,
        expected,
        sensitivity=scope.sensitivity,
        min_count=min_count,
    )
    if result is None:
        return None
    score, best = result
    window = WINDOWS_MIN[best]
    rate = max(share, 1e-9) * baseline.rate(now_s)
    start = scan_start(times, np.ones_like(times), rate, now_s)  # over the longest window
    return {
        "key": f"{column.removesuffix('_id')}:{value}",
        "score": round(score, 2),
        "start": start,
        "window_minutes": window,
        "observed": [int(o) for o in observed],
        "expected": [round(float(e), 3) for e in expected],
        "windows_minutes": list(WINDOWS_MIN),
    }


def _open(
    session: Session,
    home: str,
    column: str,
    value: Any,
    hit: dict[str, Any],
    at: datetime,
    cluster_id: int,
    label: str,
    ticket: Ticket,
) -> SuspectedIncident:
    col = getattr(ClusterTicket, column)
    start = datetime.fromtimestamp(hit["start"], tz=at.tzinfo)
    links = list(
        session.scalars(
            select(ClusterTicket).where(col == value, ClusterTicket.created_at >= start)
        )
    )
    service = session.get(Service, ticket.service_id) if ticket.service_id else None
    names = [service.name, service.slug] if service else []
    aliases = {n.lower() for n in names}
    found = [
        replace(c, service=service.slug) if service and (c.service or "").lower() in aliases else c
        for c in candidates(session, start=start, services=names)
    ]
    ranked = rank_causes(
        found,
        start=start.timestamp(),
        service=service.slug if service else None,
        customers=[{"organization_id": link.organization_id} for link in links],
    )
    title = f"Spike: {label or 'new problem'}" + (f" on {service.name}" if service else "")
    suspect = SuspectedIncident(
        key=home,
        title=title[:200],
        status=SuspectStatus.open,
        cluster_id=cluster_id,
        service_id=ticket.service_id,
        score=hit["score"],
        started_at=start,
        detected_at=at,
        evidence={
            **hit,
            "counts_by_5min": _buckets(links, start, at),
            "customers": len({link.customer_id for link in links}),
            "organizations": sorted(
                {link.organization_id for link in links if link.organization_id}
            ),
            "representative_ticket_ids": [link.ticket_id for link in links[:5]],
            "explanation": explain(ranked),
        },
        causes=[
            {
                "ref": r.candidate.ref,
                "kind": r.candidate.kind,
                "score": r.score,
                "title": r.candidate.title,
                "explanation": r.explanation,
            }
            for r in ranked[:5]
        ],  # fmt: skip
        ticket_ids=[link.ticket_id for link in links],
    )
    session.add(suspect)
    session.flush()
    page = oncall.trigger_page(
        session,
        title=title[:200],
        dedup_key=f"signal:{home}",
        service_id=ticket.service_id,
        source="signal",
        details=explain(ranked),
    )
    suspect.page_id = page.id if page is not None else None
    return suspect


def _buckets(links: list[ClusterTicket], start: datetime, at: datetime) -> list[int]:
    counts = Counter(int((link.created_at - start).total_seconds() // 300) for link in links)
    n = int((at - start).total_seconds() // 300) + 1
    return [counts.get(i, 0) for i in range(max(n, 1))]
