"""Demo rows for signals: changes and alerts on the demo services, the newest demo tickets
clustered by the engine, and a suspected incident with its evidence and ranked causes."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.domains.accounts.models import Service
from csops.domains.signals import service
from csops.domains.signals.detection import process_ticket
from csops.domains.signals.models import Change, ClusterTicket, SuspectedIncident, SuspectStatus
from csops.domains.signals.schemas import AlertIn, ChangeIn
from csops.domains.tickets.models import Ticket
from csops.engine.correlation import explain, rank_causes

NEWEST = 40


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    if session.scalar(select(func.count()).select_from(Change)):
        return
    services = list(session.scalars(select(Service).order_by(Service.id)))
    if not services:
        return
    target = next((s for s in services if "pay" in s.name.lower()), services[0])
    for i, svc in enumerate(services):
        service.record_change(
            session,
            ChangeIn(service=svc.slug, version=f"v{3 + i}.{rng.randint(0, 9)}.0",
                     author="release-bot", started_at=now - timedelta(hours=20 + 3 * i),
                     finished_at=now - timedelta(hours=20 + 3 * i, minutes=-4)),
        )  # fmt: skip
    deploy = service.record_change(
        session,
        ChangeIn(service=target.slug, version="v7.3.0", kind="deploy", author="ci",
                 commit="9c1d4e2", started_at=now - timedelta(minutes=50)),
    )  # fmt: skip
    service.record_change(
        session,
        ChangeIn(service=target.slug, kind="canary", percentage=10, cohort={"region": "eu"},
                 version="v7.4.0-rc1", started_at=now - timedelta(hours=3)),
    )  # fmt: skip
    for name, status in (("HighErrorRate", "firing"), ("DiskAlmostFull", "resolved")):
        service.record_alert(
            session,
            AlertIn(name=name, status=status, service=target.slug, severity="critical",
                    summary=f"{name} on {target.name}", labels={"service": target.slug},
                    starts_at=now - timedelta(minutes=44),
                    ends_at=now - timedelta(minutes=10) if status == "resolved" else None),
            source="alertmanager",
        )  # fmt: skip
    newest = session.scalars(select(Ticket.id).order_by(Ticket.id.desc()).limit(NEWEST)).all()
    for ticket_id in reversed(newest):
        process_ticket(session, ticket_id)
    if not session.scalar(select(func.count()).select_from(SuspectedIncident)):
        _suspect(session, target, deploy.started_at, now)


def _suspect(session: Session, target: Service, since: datetime, now: datetime) -> None:
    """The newest complaints on the payments service, as the suspect the detector would open
    on a busier day (the demo's history is too thin to trip the real test)."""
    links = list(
        session.scalars(
            select(ClusterTicket)
            .where(ClusterTicket.service_id == target.id)
            .order_by(ClusterTicket.created_at.desc())
            .limit(12)
        )
    )
    if not links:
        return
    home_cluster = Counter(link.cluster_id for link in links).most_common(1)[0][0]
    start = min(link.created_at for link in links)
    ranked = rank_causes(
        service.candidates(session, start=start, services=[target.slug, target.name]),
        start=start.timestamp(),
        service=target.slug,
    )
    session.add(
        SuspectedIncident(
            key=f"service:{target.id}",
            title=f"Spike: card payments failing on {target.name}",
            status=SuspectStatus.open,
            cluster_id=home_cluster,
            service_id=target.id,
            score=9.4,
            started_at=start,
            detected_at=now,
            evidence={
                "explanation": explain(ranked),
                "customers": len(links),
                "representative_ticket_ids": [lk.ticket_id for lk in links[:5]],
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
            ],
            ticket_ids=[link.ticket_id for link in links],
        )  # fmt: skip
    )
