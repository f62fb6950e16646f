"""End to end: 40 complaints about failed card payments within 10 minutes of a deploy to the
payments service become a suspected incident naming that deploy first; the on-call is paged;
confirming it links all 40 tickets to a new incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role
from csops.domains.incidents.models import IncidentTicket
from csops.domains.oncall.models import Page
from csops.domains.signals import service, state
from csops.domains.signals.models import SuspectedIncident, SuspectStatus
from csops.domains.signals.schemas import ChangeIn
from csops.engine.spikes import SeasonalBaseline
from csops.errors import Conflict, Invalid
from tests.factories.tickets import make_ticket

T0 = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
COMPLAINTS = [
    "My card payment failed at checkout",
    "Card payment declined again, what is going on?",
    "payment with my card keeps failing",
    "I can't pay with my card, the payment fails",
    "Your app says card payment failed",
    "card declined when paying online, the payment did not go through",
    "Why does my card payment fail? I have money",
    "Failed card payment at the supermarket",
]


def _learned_baseline(session: Session) -> None:
    """Two days of history at half a ticket a minute (what the baseline would have learned)."""
    base = SeasonalBaseline()
    base.hod = [0.5] * 24
    base.mean = 0.5
    base.hours_seen = 48
    row, _ = state.load_baseline(session)
    state.save_baseline(row, base)


def _background(session: Session, other: int) -> None:
    for i, text in enumerate(
        [
            "How do I change my PIN?",
            "Where is my new card?",
            "I want to close my account",
            "How long does a transfer take?",
        ]
    ):
        with clock.frozen(T0 - timedelta(hours=3, minutes=7 * i)):
            t = make_ticket(session, subject=text, description=text, service=other)
        service.process_ticket(session, t.id)  # fmt: skip


@pytest.fixture
def world(db: Session, factories: SimpleNamespace) -> SimpleNamespace:
    team = factories.team(name="Payments team")
    payments = factories.service(name="Payments", slug="payments", owning_team_id=team.id)
    other = factories.service(name="Accounts", slug="accounts")
    manager = factories.user(role=Role.manager, name="Mia Manager")
    _learned_baseline(db)
    _background(db, other.id)
    return SimpleNamespace(payments=payments, other=other, manager=Actor.for_user(manager))


def test_deploy_then_complaints_becomes_a_suspected_incident(
    db: Session, world: SimpleNamespace
) -> None:
    with clock.frozen(T0 - timedelta(minutes=3)):
        deploy = service.record_change(
            db, ChangeIn(service="payments", version="v2.14.0", kind="deploy",
                         started_at=T0 - timedelta(minutes=3), author="ci"))  # fmt: skip
        service.record_change(
            db, ChangeIn(service="accounts", version="v9", started_at=T0 - timedelta(minutes=2))
        )
        service.record_change(
            db, ChangeIn(service="payments", kind="config", version="old",
                         started_at=T0 - timedelta(hours=5)))  # fmt: skip
    # A quiet ticket opens nothing, and processing a ticket twice changes nothing.
    with clock.frozen(T0 - timedelta(minutes=30)):
        quiet = make_ticket(db, subject="Card payment failed", service=world.payments.id)
    assert service.process_ticket(db, quiet.id) is None
    assert service.process_ticket(db, quiet.id) is None
    assert db.scalar(select(func.count()).select_from(SuspectedIncident)) == 0
    ids = []
    for i in range(40):
        with clock.frozen(T0 + timedelta(seconds=15 * i)):
            text = COMPLAINTS[i % len(COMPLAINTS)]
            t = make_ticket(db, subject=text, description=text, service=world.payments.id)
            ids.append(t.id)
            service.process_ticket(db, t.id)
    suspects = list(db.scalars(select(SuspectedIncident)))
    assert len(suspects) == 1
    suspect = suspects[0]
    assert suspect.status == SuspectStatus.open and suspect.service_id == world.payments.id
    assert suspect.causes[0]["ref"] == f"change:{deploy.id}"
    assert "v2.14.0" in suspect.causes[0]["explanation"]
    assert set(suspect.ticket_ids) == set(ids)
    assert suspect.started_at <= T0 + timedelta(minutes=2)
    assert sum(suspect.evidence["counts_by_5min"]) >= 4
    page = db.get(Page, suspect.page_id)
    assert page is not None and page.source == "signal" and page.service_id == world.payments.id

    with pytest.raises(Invalid):
        service.dismiss(db, suspect_id=suspect.id, actor=world.manager, reason=" ")
    with clock.frozen(T0 + timedelta(minutes=12)):
        service.confirm(db, suspect_id=suspect.id, actor=world.manager)
    assert suspect.status == SuspectStatus.confirmed and suspect.incident_id is not None
    linked = db.scalar(
        select(func.count()).where(
            IncidentTicket.incident_id == suspect.incident_id,
            IncidentTicket.ticket_id.in_(ids),
        )
    )
    assert linked == 40
    with pytest.raises(Conflict):
        service.confirm(db, suspect_id=suspect.id, actor=world.manager)
    assert service.service_sensitivity(db, world.payments.id) > 1.0
