"""The repairs on both backends: the hourly repair reads the newest tickets of its window, the
daily consolidation joins one problem's clusters across days and keeps agents' splits apart,
and the semantic representation asks for its extra by name when it is missing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from csops.clock import now
from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.signals import clusters, repair, state
from csops.domains.signals.models import ProblemCluster
from csops.engine.text import semantic_available
from csops.errors import Invalid
from tests.integration.signals.seeding import seed_cluster

CARD = ["card payment failed", "the card payment failed", "card payment failed again",
        "my card payment failed", "card payment failed today", "card payment failed twice"]  # fmt: skip
PIN = ["how do I change my pin", "change my pin please", "I want to change my pin",
       "pin change how", "changing my pin number", "can I change the pin"]  # fmt: skip


def _merged(db: Session, cluster_id: int) -> int | None:
    row = db.get(ProblemCluster, cluster_id)
    assert row is not None
    return row.merged_into_id


def test_the_hourly_repair_reads_the_newest_tickets_of_its_window(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repair, "WINDOW_MAX", 6)
    old_at, new_at = now() - timedelta(hours=5), now() - timedelta(minutes=5)
    card_a, _ = seed_cluster(db, CARD[:3], at=old_at)
    card_b, _ = seed_cluster(db, CARD[3:], at=old_at)
    pin_a, _ = seed_cluster(db, PIN[:3], at=new_at)
    pin_b, _ = seed_cluster(db, PIN[3:], at=new_at)
    assert repair.recluster_recent(db, at=now()) == 1
    assert {_merged(db, pin_a), _merged(db, pin_b)} - {None} <= {pin_a, pin_b}
    assert _merged(db, card_a) is None and _merged(db, card_b) is None  # older than the window


def test_the_daily_consolidation_joins_a_problem_across_days(db: Session) -> None:
    card_old, _ = seed_cluster(db, CARD[:3], at=now() - timedelta(days=3))
    card_new, _ = seed_cluster(db, CARD[3:], at=now())
    pin, _ = seed_cluster(db, PIN, at=now() - timedelta(days=2))
    assert repair.consolidate_active(db, at=now()) == 1
    assert {_merged(db, card_old), _merged(db, card_new)} - {None} <= {card_old, card_new}
    assert _merged(db, pin) is None
    assert repair.consolidate_active(db, at=now()) == 0  # nothing left to join


def test_the_daily_consolidation_keeps_an_agents_split_apart(db: Session) -> None:
    source, ticket_ids = seed_cluster(db, CARD, at=now() - timedelta(days=1))
    new = clusters.split(db, cluster_id=source, ticket_ids=ticket_ids[3:], actor=Actor.system())
    assert repair.consolidate_active(db, at=now()) == 0
    assert _merged(db, source) is None and new.merged_into_id is None


@pytest.mark.skipif(semantic_available(), reason="csops[semantic] is installed here")
def test_semantic_without_its_extra_is_a_clear_error(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "signals_representation", "semantic")
    with pytest.raises(Invalid, match=r"csops\[semantic\]"):
        state.assign_ticket(db, "card payment failed", now())
