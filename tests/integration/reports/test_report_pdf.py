"""Complaint and perception reports: built from a small desk, archived, emailed, and their
PDF rendered to PNG (pypdfium2) to check that the charts are really drawn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import numpy as np
import pypdfium2 as pdfium
import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role
from csops.domains.feedback.models import CsatSurvey
from csops.domains.notifications.models import OutboxItem
from csops.domains.reports import archive, content, jobs
from csops.domains.reports.models import ReportArchive, ReportKind
from csops.domains.reports.periods import parse
from csops.domains.signals.models import (
    ClusterTicket,
    ProblemCluster,
    SuspectedIncident,
    SuspectStatus,
)
from csops.domains.sla.models import Metric, SlaStatus, TicketSla
from csops.errors import Invalid, PermissionDenied
from csops.jobs.schedule import registered_schedules
from tests.factories.tickets import make_ticket

WEEK = "2026-W10"  # Monday 2 March 2026
MONDAY = datetime(2026, 3, 2, 9, tzinfo=UTC)
BLUE = np.array([0x25, 0x63, 0xEB])


@pytest.fixture
def desk(db: Session, factories: SimpleNamespace) -> SimpleNamespace:
    """Last week 3 'refund' tickets; this week 6 'login' + 2 'refund', a breached SLA and
    two rated surveys with comments."""
    manager = factories.user(role=Role.manager, email="lead@desk.example")
    made = []
    for day, tag, n in ((-6, "refund", 3), (1, "login", 6), (2, "refund", 2)):
        for _ in range(n):
            with clock.frozen(MONDAY + timedelta(days=day)):
                made.append(make_ticket(db, tags=[tag], subject=f"{tag} problem"))
    db.add(
        TicketSla(
            ticket_id=made[3].id,
            metric=Metric.first_response,
            status=SlaStatus.breached,
            target_minutes=60,
            started_at=MONDAY,
            breached_at=MONDAY + timedelta(days=1, hours=2),
        )
    )
    for ticket, rating, comment in ((made[4], 1, "Still cannot log in"), (made[5], 5, "Fast!")):
        db.add(
            CsatSurvey(
                ticket_id=ticket.id,
                customer_id=ticket.requester_id,
                sent_at=MONDAY + timedelta(days=2),
                expires_at=MONDAY + timedelta(days=9),
                rating=rating,
                comment=comment,
                answered_at=MONDAY + timedelta(days=3),
            )
        )
    db.flush()
    return SimpleNamespace(manager=manager, tickets=made)


def test_weekly_content_themes_move_against_the_previous_week(
    db: Session, desk: SimpleNamespace
) -> None:
    db.execute(delete(ClusterTicket))  # themes from tags: no clusters
    data = content.gather(db, parse(ReportKind.weekly, WEEK))
    assert data.volume.total == 8 and data.previous_total == 3
    themes = {t.name: (t.count, t.movement) for t in data.themes}
    assert themes == {"login": (6, 6), "refund": (2, -1)}
    assert data.sla == {"achieved": 0, "breached": 1, "rate": 0.0}
    assert [b["ticket_id"] for b in data.breaches] == [desk.tickets[3].id]
    assert {v["comment"] for v in data.verbatims} == {"Still cannot log in", "Fast!"}
    assert data.ratings[1] == 1 and data.ratings[5] == 1


def _blue_pixels(pdf_bytes: bytes) -> tuple[int, int]:
    doc = pdfium.PdfDocument(pdf_bytes)
    pages = len(doc)
    blue = 0
    for index in range(pages):
        image = np.asarray(doc[index].render(scale=1).to_pil().convert("RGB"), dtype=int)
        blue += int((np.abs(image - BLUE).sum(axis=2) < 60).sum())
    return pages, blue


def test_weekly_pdf_contains_its_charts(db: Session, desk: SimpleNamespace) -> None:
    actor = Actor.for_user(desk.manager)
    report = archive.generate(db, kind="weekly", key=WEEK, actor=actor)
    assert report.pdf.startswith(b"%PDF")
    pages, blue = _blue_pixels(report.pdf)
    assert pages >= 1
    assert blue > 2000  # the volume line and theme bars are drawn in the chart blue
    assert report.html.count("data:image/png;base64,") == 4
    assert "Still cannot log in" in report.html
    assert report.title == f"Weekly perception report {WEEK}"


def test_daily_report_and_regeneration_replaces(db: Session, desk: SimpleNamespace) -> None:
    actor = Actor.for_user(desk.manager)
    first = archive.generate(db, kind="daily", key="2026-03-03", actor=actor)
    again = archive.generate(db, kind="daily", key="2026-03-03", actor=actor)
    assert first.id == again.id and again.summary["tickets"] == 6
    _, blue = _blue_pixels(again.pdf)
    assert blue > 500
    assert "Verbatims" not in again.html  # a complaint report, not a perception report


def test_subscribers_get_a_link_once(db: Session, desk: SimpleNamespace) -> None:
    actor = Actor.for_user(desk.manager)
    archive.subscribe(db, kind="weekly", actor=actor)
    sub = archive.subscribe(db, kind="weekly", actor=actor, email="ops@desk.example")
    assert archive.subscribe(db, kind="weekly", actor=actor, email="OPS@desk.example") is sub
    report = archive.generate(db, kind="weekly", key=WEEK, actor=actor)
    assert archive.deliver(db, report) == 2
    archive.deliver(db, report)
    items = db.scalars(select(OutboxItem).where(OutboxItem.kind == "report_ready")).all()
    assert len(items) == 2
    assert all(f"/reports/{report.id}" in (i.body_text or "") for i in items)


def test_bad_periods_and_permissions(db: Session, desk: SimpleNamespace, factories) -> None:  # type: ignore[no-untyped-def]
    actor = Actor.for_user(desk.manager)
    with pytest.raises(Invalid):
        archive.generate(db, kind="weekly", key="2026-13", actor=actor)
    with pytest.raises(Invalid):
        archive.generate(db, kind="yearly", key=None, actor=actor)
    agent = Actor.for_user(factories.user(role=Role.agent))
    with pytest.raises(PermissionDenied):
        archive.generate(db, kind="daily", key=None, actor=agent)
    with pytest.raises(PermissionDenied):
        archive.subscribe(db, kind="daily", actor=agent, email="x@y.example")


def test_scheduled_jobs_archive_the_period_just_ended_and_email_it(
    db: Session, desk: SimpleNamespace
) -> None:
    schedules = {s.name: s.cron for s in registered_schedules()}
    assert schedules["reports.daily"] == "0 7 * * *"
    assert schedules["reports.weekly"] == "0 7 * * 1"
    assert schedules["reports.monthly"] == "0 7 1 * *"
    archive.subscribe(db, kind="daily", actor=Actor.for_user(desk.manager))
    with clock.frozen(MONDAY + timedelta(days=2, hours=-2)):  # Wednesday 07:00
        jobs.daily(db, {})
    with clock.frozen(MONDAY + timedelta(days=2, hours=-1)):
        jobs.daily(db, {})  # a re-run replaces the report and sends nothing twice
    rows = db.scalars(select(ReportArchive).where(ReportArchive.kind == ReportKind.daily)).all()
    assert [r.period_key for r in rows] == ["2026-03-03"]
    sent = db.scalars(select(OutboxItem).where(OutboxItem.kind == "report_ready")).all()
    assert len(sent) == 1 and sent[0].recipient == "lead@desk.example"


def test_themes_come_from_signal_clusters_and_suspects_are_spikes(
    db: Session, desk: SimpleNamespace
) -> None:
    db.execute(delete(ClusterTicket))
    cluster = ProblemCluster(label="login fails after update", dim=2, centroid=b"\0" * 8)
    db.add(cluster)
    db.flush()
    for ticket in desk.tickets[3:7]:
        db.add(ClusterTicket(ticket_id=ticket.id, cluster_id=cluster.id, similarity=0.9))
    db.add(
        SuspectedIncident(
            key="login",
            title="Login failures rising",
            status=SuspectStatus.open,
            score=4.2,
            started_at=MONDAY + timedelta(days=1),
            detected_at=MONDAY + timedelta(days=1, hours=1),
            ticket_ids=[t.id for t in desk.tickets[3:7]],
        )
    )
    db.flush()
    data = content.gather(db, parse(ReportKind.weekly, WEEK))
    assert [(t.name, t.count, t.previous) for t in data.themes] == [
        ("login fails after update", 4, 0)
    ]
    assert data.suspects == [
        {
            "title": "Login failures rising",
            "status": "open",
            "at": MONDAY + timedelta(days=1, hours=1),
            "tickets": 4,
        }
    ]
