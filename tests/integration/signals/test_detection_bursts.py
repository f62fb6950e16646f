"""An open suspect collects the tickets of its burst only while the burst goes on: after two
quiet hours it stops, so an old, undecided suspect does not swallow every later ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from csops import clock
from csops.domains.signals import service, state
from csops.domains.signals.models import ClusterTicket, SuspectedIncident, SuspectStatus
from tests.factories.tickets import make_ticket

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CARD = "My card payment failed at the checkout"


def _process(db: Session, at: datetime) -> SuspectedIncident | None:
    with clock.frozen(at):
        ticket = make_ticket(db, subject=CARD, description=CARD)
    result = service.process_ticket(db, ticket.id)
    assert db.get(ClusterTicket, ticket.id) is not None
    return result


def test_an_open_suspect_stops_collecting_once_its_burst_is_over(db: Session) -> None:
    state.clear_caches()
    _process(db, T0)
    first = db.query(ClusterTicket).one()
    suspect = SuspectedIncident(
        key=f"cluster:{first.cluster_id}", title="Spike: card payments", status=SuspectStatus.open,
        cluster_id=first.cluster_id, score=9.0, started_at=T0, detected_at=T0,
        ticket_ids=[first.ticket_id],
    )  # fmt: skip
    db.add(suspect)
    db.flush()
    during = _process(db, T0 + timedelta(minutes=90))
    assert during is not None and during.id == suspect.id and len(suspect.ticket_ids) == 2
    after = _process(db, T0 + timedelta(minutes=90) + timedelta(hours=2, minutes=1))
    assert after is None
    assert len(suspect.ticket_ids) == 2
