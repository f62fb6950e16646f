"""KPIs against hand-computed values on a small fixed dataset, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role
from csops.domains.reports import facts, kpis
from csops.domains.reports.filters import KpiFilter
from csops.domains.tickets import service, thread
from csops.domains.tickets.models import Status
from csops.domains.tickets.schemas import MessageCreate, TicketUpdate
from tests.factories.tickets import make_ticket

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


@pytest.fixture
def desk(db: Session, factories: SimpleNamespace) -> SimpleNamespace:
    """Five tickets: A answered after 1 h and solved after 4 h in one touch; B answered after
    3 h, solved after 10 h with two replies, then reopened; C answered after 5 h, still open;
    D never answered (open); E created before the period (backlog only)."""
    team = factories.team()
    agent_user = factories.user(role=Role.agent, teams=[team])
    agent = Actor.for_user(agent_user)

    def reply(ticket_id: int, hours: float, body: str = "Looking") -> None:
        with clock.frozen(at(hours)):
            thread.add_message(
                db, ticket_id=ticket_id, data=MessageCreate(body=body, public=True), actor=agent
            )

    def status(ticket_id: int, hours: float, value: Status, actor: Actor = agent) -> None:
        with clock.frozen(at(hours)):
            service.update_ticket(
                db, ticket_id=ticket_id, data=TicketUpdate(status=value), actor=actor
            )

    made = {}
    for name, hours, channel in (
        ("A", 0, "email"),
        ("B", 1, "email"),
        ("C", 2, "web"),
        ("D", 3, "web"),
        ("E", -48, "web"),
    ):
        with clock.frozen(at(hours)):
            made[name] = make_ticket(db, channel=channel, team_id=team.id).id
    reply(made["A"], 1)
    status(made["A"], 4, Status.solved)
    reply(made["B"], 4)
    reply(made["B"], 8)
    status(made["B"], 11, Status.solved)
    with clock.frozen(at(20)):
        customer = Actor(kind="system")
        service.update_ticket(
            db, ticket_id=made["B"], data=TicketUpdate(status=Status.open), actor=customer
        )
    reply(made["C"], 7)
    return SimpleNamespace(team=team, agent=agent_user, ids=made)


def period() -> KpiFilter:
    return KpiFilter(start=T0, end=T0 + timedelta(days=1))


def test_volume_counts_tickets_created_in_the_period(db: Session, desk: SimpleNamespace) -> None:
    v = kpis.volume(db, period())
    assert v.total == 4
    assert v.by_channel == {"email": 2, "web": 2}
    assert v.per_day == {"2026-03-02": 4}
    assert (
        kpis.volume(db, KpiFilter(start=T0, end=T0 + timedelta(days=1), channel="web")).total == 2
    )


def test_first_response_and_resolution_percentiles(db: Session, desk: SimpleNamespace) -> None:
    fr = kpis.first_response(db, period())
    # A: 1 h, B: 3 h, C: 5 h -> median 3 h, p90 (linear) 4.6 h
    assert fr.count == 3
    assert fr.p50_hours == pytest.approx(3.0)
    assert fr.p90_hours == pytest.approx(4.6)
    res = kpis.resolution(db, period())
    # A solved after 4 h, B after 10 h -> median 7 h, p90 9.4 h
    assert res.count == 2
    assert res.p50_hours == pytest.approx(7.0)
    assert res.p90_hours == pytest.approx(9.4)


def test_backlog_reopen_and_one_touch(db: Session, desk: SimpleNamespace) -> None:
    b = kpis.backlog(db, period())
    assert b.open == 4  # B (reopened), C, D, and E from before the period
    assert b.by_age == {"< 1 day": 3, "1-3 days": 1, "3-7 days": 0, "> 7 days": 0}
    assert b.oldest_days == pytest.approx(3.0)
    assert kpis.reopen_rate(db, period()) == pytest.approx(0.5)  # B of {A, B}
    assert kpis.one_touch_rate(db, period()) == pytest.approx(0.5)  # A of {A, B}


def test_filters_by_agent_and_an_empty_period(db: Session, desk: SimpleNamespace) -> None:
    empty = KpiFilter(start=T0 + timedelta(days=10), end=T0 + timedelta(days=11))
    assert kpis.volume(db, empty).total == 0
    assert kpis.first_response(db, empty).p50_hours is None
    assert kpis.reopen_rate(db, empty) is None
    board = kpis.dashboard(db, period())
    assert board.volume.total == 4 and board.first_response.count == 3


def test_rebuilding_the_facts_from_events_gives_the_same_kpis(
    db: Session, desk: SimpleNamespace
) -> None:
    before = kpis.dashboard(db, period())
    assert facts.rebuild_facts(db) == 5
    after = kpis.dashboard(db, period())
    assert after.volume == before.volume
    assert after.first_response == before.first_response
    assert after.resolution == before.resolution
    assert (after.reopen_rate, after.one_touch_rate) == (before.reopen_rate, before.one_touch_rate)
