import random
from datetime import UTC, datetime
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops import clock
from csops.demo.signals import load
from csops.domains.signals.models import Alert, Change, SuspectedIncident
from tests.factories.tickets import make_ticket

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_demo_loader_makes_changes_alerts_and_a_suspect(
    db: Session, factories: SimpleNamespace
) -> None:
    factories.service(name="Payments", slug="payments")
    with clock.frozen(NOW):
        for _ in range(3):
            make_ticket(db, service="payments")
        other = make_ticket(db, subject="Dark mode please", description="An idea")
        load(db, now=NOW, rng=random.Random(1))
        load(db, now=NOW, rng=random.Random(1))  # a second run adds nothing
    assert db.scalar(select(func.count()).select_from(Change)) == 3
    assert db.scalar(select(func.count()).select_from(Alert)) == 2
    suspect = db.scalars(select(SuspectedIncident)).one()
    assert len(suspect.ticket_ids) == 3 and other.id not in suspect.ticket_ids
    assert suspect.causes and suspect.causes[0]["title"].startswith("payments v7.3.0")
