"""Operational KPIs (SLA, CSAT, escalations, incidents) against hand-computed values, on
both databases. Rows of the other areas are written directly: the KPIs read them by name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.accounts.models import Role
from csops.domains.feedback.models import CsatSurvey
from csops.domains.incidents.models import (
    Incident,
    IncidentDelivery,
    IncidentTicket,
    IncidentUpdate,
    LinkSource,
    Severity,
)
from csops.domains.reports import kpis_ops
from csops.domains.reports.filters import KpiFilter
from csops.domains.sla.models import Metric, SlaStatus, TicketSla
from csops.domains.tickets.models import Ticket
from tests.factories.tickets import make_ticket

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _sla(db: Session, ticket_id: int, metric: Metric, status: SlaStatus, hours: float) -> None:
    db.add(
        TicketSla(
            ticket_id=ticket_id,
            metric=metric,
            status=status,
            target_minutes=60,
            started_at=T0,
            achieved_at=at(hours) if status == SlaStatus.achieved else None,
            breached_at=at(hours) if status == SlaStatus.breached else None,
        )
    )


def _survey(db: Session, ticket: Ticket, rating: int | None) -> None:
    db.add(
        CsatSurvey(
            ticket_id=ticket.id,
            customer_id=ticket.requester_id,
            team_id=ticket.team_id,
            assignee_id=ticket.assignee_id,
            sent_at=at(6),
            expires_at=at(200),
            rating=rating,
            answered_at=at(7) if rating else None,
        )
    )


@pytest.fixture
def desk(db: Session, factories: SimpleNamespace) -> SimpleNamespace:
    """Tickets t1, t2 (Ann), t3 (Bob) in team T; t4 in another team, unassigned.

    SLA: achieved t1, t2, t4 and breached t1, t3 in the period (+ one achieved later).
    CSAT: t1 5, t2 2, t3 4, t4 unanswered. Incidents: I1 (started 0.5 h, detected 1 h,
    acknowledged 1.5 h, resolved 4.5 h; tickets t1, t2; two deliveries 10 and 30 min after
    its public update), I2 (detected 2 h, acknowledged 3 h, open; ticket t3), a drill.
    """
    team, other = factories.team(), factories.team()
    ann = factories.user(name="Ann", role=Role.agent, teams=[team])
    bob = factories.user(name="Bob", role=Role.agent, teams=[team])
    with clock.frozen(T0):
        t = [make_ticket(db, team_id=team.id, assignee_id=ann.id) for _ in range(2)]
        t.append(make_ticket(db, team_id=team.id, assignee_id=bob.id))
        t.append(make_ticket(db, team_id=other.id))
    db.flush()
    _sla(db, t[0].id, Metric.first_response, SlaStatus.achieved, 1)
    _sla(db, t[0].id, Metric.resolution, SlaStatus.breached, 5)
    _sla(db, t[1].id, Metric.first_response, SlaStatus.achieved, 2)
    _sla(db, t[1].id, Metric.resolution, SlaStatus.achieved, 72)
    _sla(db, t[2].id, Metric.first_response, SlaStatus.breached, 3)
    _sla(db, t[3].id, Metric.first_response, SlaStatus.achieved, 2)
    for ticket, rating in zip(t, (5, 2, 4, None), strict=True):
        _survey(db, ticket, rating)
    i1 = Incident(
        title="Payments down",
        severity=Severity.sev2,
        started_at=at(0.5),
        detected_at=at(1),
        acknowledged_at=at(1.5),
        resolved_at=at(4.5),
    )
    i2 = Incident(title="Slow login", severity=Severity.sev3, started_at=at(2), detected_at=at(2))
    i2.acknowledged_at = at(3)
    drill = Incident(title="Drill", severity=Severity.sev4, is_drill=True, detected_at=at(1))
    db.add_all([i1, i2, drill])
    db.flush()
    for inc, ticket in ((i1, t[0]), (i1, t[1]), (i2, t[2]), (drill, t[3])):
        db.add(IncidentTicket(incident_id=inc.id, ticket_id=ticket.id, source=LinkSource.manual))
    db.add(
        IncidentTicket(
            incident_id=i1.id, ticket_id=t[3].id, source=LinkSource.manual, unlinked_at=at(2)
        )
    )
    update = IncidentUpdate(incident_id=i1.id, body="We are on it", is_public=True)
    update.created_at = at(1)
    db.add(update)
    db.flush()
    for minutes, ticket in ((10, t[0]), (30, t[1])):
        delivery = IncidentDelivery(
            incident_id=i1.id, update_id=update.id, ticket_id=ticket.id, outbox_ids=[]
        )
        delivery.created_at = at(1 + minutes / 60)
        db.add(delivery)
    db.flush()
    return SimpleNamespace(team=team, ann=ann, bob=bob, t=t)


def day(**scope: int) -> KpiFilter:
    return KpiFilter(start=T0, end=T0 + timedelta(days=1), **scope)


def test_sla_attainment_counts_targets_settled_in_the_period(
    db: Session, desk: SimpleNamespace
) -> None:
    assert kpis_ops.sla_attainment(db, day()) == {"achieved": 3, "breached": 2, "rate": 0.6}
    team = kpis_ops.sla_attainment(db, day(team_id=desk.team.id))
    assert team == {"achieved": 2, "breached": 2, "rate": 0.5}


def test_csat_average_good_share_and_response_rate(db: Session, desk: SimpleNamespace) -> None:
    sat = kpis_ops.csat(db, day())
    assert sat is not None
    assert (sat["sent"], sat["answered"], sat["response_rate"]) == (4, 3, 0.75)
    assert sat["average"] == pytest.approx(3.67)
    assert sat["good_rate"] == pytest.approx(2 / 3)
    ann = kpis_ops.csat(db, day(agent_id=desk.ann.id))
    assert ann is not None and (ann["answered"], ann["average"], ann["good_rate"]) == (2, 3.5, 0.5)


def test_csat_by_agent(db: Session, desk: SimpleNamespace) -> None:
    rows = kpis_ops.csat_by_agent(db, day())
    assert rows == [
        {"agent": "Ann", "answered": 2, "average": 3.5, "good_rate": 0.5},
        {"agent": "Bob", "answered": 1, "average": 4.0, "good_rate": 1.0},
    ]


def test_escalation_rate_counts_linked_tickets(db: Session, desk: SimpleNamespace) -> None:
    # t1..t3 are linked; t4 (other team) is outside the filter.
    esc = kpis_ops.escalation(db, day(team_id=desk.team.id))
    assert esc == {"tickets": 3, "escalated": 3, "rate": 1.0}


def test_incident_mtta_mttr_tickets_and_notify_latency(db: Session, desk: SimpleNamespace) -> None:
    inc = kpis_ops.incidents(db, day())
    assert inc is not None
    assert inc["count"] == 2
    assert inc["mtta_hours"] == pytest.approx(0.75)
    assert inc["mttr_hours"] == pytest.approx(4.0)
    assert inc["tickets_per_incident"] == 1.5
    notify = inc["notify"]
    assert notify["count"] == 2
    assert notify["p50_hours"] == pytest.approx(1 / 3)
    assert notify["p95_hours"] == pytest.approx(1 / 6 + 0.95 / 3)


def test_collect_gives_cards_and_none_outside_any_data(db: Session, desk: SimpleNamespace) -> None:
    out = kpis_ops.collect(db, day())
    cards = {c["label"]: c for c in out["cards"]}
    assert cards["SLA attainment"]["value"] == 0.6
    assert cards["Escalation rate to engineering"]["value"] == 1.0
    empty = kpis_ops.collect(db, KpiFilter(start=at(-100), end=at(-99)))
    empty_cards = {c["label"]: c["value"] for c in empty["cards"]}
    assert empty_cards["SLA attainment"] is None  # no data, not 0 %
    assert empty_cards["CSAT average (1-5)"] is None
    assert empty_cards["Incident MTTA"] is None


def test_a_missing_area_reports_no_data(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kpis_ops, "table", lambda name: None)
    out = kpis_ops.collect(db, day())
    assert all(card["value"] is None for card in out["cards"])
    assert out["csat_by_agent"] == []
