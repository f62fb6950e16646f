"""The product's per-ticket detection (DB counts, the engine's expectation and test): the same
tickets at the service's usual pace open nothing; packed into three minutes they open one
suspected incident whose evidence is the engine's trailing-window counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.signals import service, state
from csops.domains.signals.models import SuspectedIncident
from csops.engine.spikes import WINDOWS_MIN, SeasonalBaseline
from tests.factories.tickets import make_ticket

T0 = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
OTHER = ["How do I change my PIN?", "Where is my new card?", "I want to close my account"]
PAYMENT = "My card payment failed at checkout"


@pytest.fixture
def world(db: Session, factories: SimpleNamespace) -> SimpleNamespace:
    payments = factories.service(name="Payments", slug="payments")
    other = factories.service(name="Accounts", slug="accounts")
    base = SeasonalBaseline(hod=[0.05] * 24, mean=0.05, hours_seen=48)  # 3 tickets an hour
    row, _ = state.load_baseline(db)
    state.save_baseline(row, base)
    return SimpleNamespace(payments=payments.id, other=other.id)


def _ticket(db: Session, at: datetime, text: str, service_id: int) -> SuspectedIncident | None:
    with clock.frozen(at):
        ticket = make_ticket(db, subject=text, description=text, service=service_id)
        return service.process_ticket(db, ticket.id)


def _history(db: Session, world: SimpleNamespace) -> None:
    """Twelve hours at the baseline's pace: a ticket every 20 minutes, one in 4 on payments."""
    for i in range(36):
        at = T0 - timedelta(minutes=720 - 20 * i)
        on_payments = i % 4 == 0
        text = PAYMENT if on_payments else OTHER[i % len(OTHER)]
        _ticket(db, at, text, world.payments if on_payments else world.other)


def _suspects(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(SuspectedIncident)) or 0


def test_usual_pace_opens_nothing(db: Session, world: SimpleNamespace) -> None:
    _history(db, world)
    for i in range(12):  # payments at four times its usual pace, but spread out: still noise
        assert _ticket(db, T0 + timedelta(minutes=20 * i), PAYMENT, world.payments) is None
    assert _suspects(db) == 0


def test_burst_opens_one_suspect_with_the_engine_evidence(
    db: Session, world: SimpleNamespace
) -> None:
    _history(db, world)
    opened = [_ticket(db, T0 + timedelta(seconds=15 * i), PAYMENT, world.payments)
              for i in range(12)]  # fmt: skip
    assert _suspects(db) == 1
    first = next(i for i, s in enumerate(opened) if s is not None)
    assert 4 <= first < 12  # needs min_count tickets in a window, fires before the last
    suspect = opened[first]
    assert suspect is not None and suspect.service_id == world.payments
    evidence = suspect.evidence
    assert evidence["windows_minutes"] == list(WINDOWS_MIN)
    assert evidence["observed"][0] == first + 1
    assert evidence["expected"][0] < 1.0 < evidence["observed"][0]
    assert suspect.started_at <= T0 + timedelta(minutes=1)


def test_no_alarm_while_the_baseline_learns_its_first_day(
    db: Session, world: SimpleNamespace
) -> None:
    _history(db, world)
    row, base = state.load_baseline(db)
    base.hours_seen = 6
    state.save_baseline(row, base)
    for i in range(12):
        assert _ticket(db, T0 + timedelta(seconds=15 * i), PAYMENT, world.payments) is None
    assert _suspects(db) == 0
