"""The engine state in the database: document frequencies folded in batches past a watermark
(a restart loses nothing), and the per-process caches respecting agents' corrections."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.signals import clusters, service, state
from csops.domains.signals.models import ClusterTicket, ProblemCluster
from tests.factories.tickets import make_ticket

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CARD = "My card payment failed at the checkout"
PIN = "How do I change the PIN of my card"


def _process(db: Session, text: str, minute: int) -> ProblemCluster:
    with clock.frozen(T0 + timedelta(minutes=minute)):
        ticket = make_ticket(db, subject=text, description=text)
    service.process_ticket(db, ticket.id)
    link = db.get(ClusterTicket, ticket.id)
    assert link is not None
    row = db.get(ProblemCluster, link.cluster_id)
    assert row is not None
    return row


def _encoder_state(db: Session) -> dict[str, object]:
    return dict(state.state_row(db, state.ENCODER).state or {})


@pytest.fixture(autouse=True)
def _cold_process(monkeypatch: pytest.MonkeyPatch) -> None:
    state.clear_caches()
    monkeypatch.setattr(state, "FOLD_FIRST", 4)


def test_frequencies_fold_in_batches_and_catch_up_after_a_restart(db: Session) -> None:
    for i in range(3):
        _process(db, f"{CARD} {i}", i)
    row = state.state_row(db, state.ENCODER)
    assert not row.blob and _encoder_state(db)["unfolded"] == 3  # nothing rewritten per ticket
    _process(db, CARD, 3)  # the 4th assignment folds the three clustered before it
    folded = _encoder_state(db)
    assert folded["n_docs"] == 3 and folded["unfolded"] == 0
    blob = state.state_row(db, state.ENCODER).blob
    last = _process(db, PIN, 4)
    assert state.state_row(db, state.ENCODER).blob == blob
    state.clear_caches()  # a restart: the process forgets, the database does not
    assert state.fold_pending(db) == 2
    after = _encoder_state(db)
    assert after["n_docs"] == 5 and after["watermark"] == max(
        db.scalars(select(ClusterTicket.ticket_id))
    )
    assert state.fold_pending(db) == 0  # idempotent
    encoder = state.cached_encoder(db, state.state_row(db, state.ENCODER))
    assert encoder.n_docs == 5 and last.count == 1


def test_a_ticket_folded_late_is_not_lost(db: Session) -> None:
    first = _process(db, CARD, 0)
    assert state.fold_pending(db) == 1
    watermark = int(_encoder_state(db)["watermark"])  # type: ignore[call-overload]
    state.assign_ticket(db, PIN, T0, ticket_id=watermark)  # an out-of-order worker
    assert state.fold_pending(db) == 1 and _encoder_state(db)["n_docs"] == 2
    assert first.count == 1


def test_streaming_respects_corrections_made_while_cached(db: Session) -> None:
    card = _process(db, CARD, 0)
    assert _process(db, CARD + " again", 1).id == card.id  # the cache is warm now
    clusters.rename(db, cluster_id=card.id, label="Card payments")
    assert _process(db, CARD + " today", 2).label == "Card payments"
    pin = _process(db, PIN, 3)
    assert pin.id != card.id
    clusters.merge(db, source_id=pin.id, target_id=card.id)
    landed = _process(db, PIN + " please", 4)
    assert landed.id == card.id and pin.merged_into_id == card.id
    assert db.get(ProblemCluster, pin.id).count == 1  # type: ignore[union-attr]


def test_labels_are_a_representative_subject_until_an_agent_names_them(db: Session) -> None:
    first = _process(db, CARD, 0)
    assert first.label == CARD  # the subject line, not "card / payment / fail"
    state.clear_caches()  # reloaded from the row, the label stays
    again = _process(db, CARD + " again", 1)
    assert again.id == first.id and again.label.startswith("My card payment failed")
