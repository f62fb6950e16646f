"""Agents' corrections on both backends: a split is kept apart for good (the batch repair,
which joins the same texts when nobody split them, never joins them again), with history."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.signals import clusters, repair
from csops.domains.signals.models import ProblemCluster
from csops.errors import Conflict, Invalid, PermissionDenied
from tests.integration.signals.seeding import seed_cluster

CARD = ["card payment failed", "the card payment failed", "card payment failed again",
        "my card payment failed", "card payment failed today", "card payment failed twice"]  # fmt: skip


def _row(db: Session, cluster_id: int) -> ProblemCluster:
    row = db.get(ProblemCluster, cluster_id)
    assert row is not None
    return row


def test_the_repair_joins_fragments_nobody_split(db: Session) -> None:
    a, _ = seed_cluster(db, CARD[:3])
    b, _ = seed_cluster(db, CARD[3:])
    assert repair.recluster_recent(db, at=now()) == 1
    assert {_row(db, a).merged_into_id, _row(db, b).merged_into_id} - {None} <= {a, b}


def test_a_split_is_never_joined_again_by_the_repair(db: Session) -> None:
    source, ticket_ids = seed_cluster(db, CARD)
    new = clusters.split(db, cluster_id=source, ticket_ids=ticket_ids[3:], actor=Actor.system())
    assert _row(db, source).cannot_link == [new.id] and new.cannot_link == [source]
    assert not new.label_pinned and new.label
    assert repair.recluster_recent(db, at=now()) == 0
    assert _row(db, source).merged_into_id is None and new.merged_into_id is None
    # Merging a third fragment into one side keeps it apart from the other side too.
    third, _ = seed_cluster(db, ["card payment failed at the shop"])
    clusters.merge(db, source_id=third, target_id=new.id)
    assert repair.recluster_recent(db, at=now()) == 0
    history = clusters.cluster_detail(db, cluster_id=source).note["history"]
    assert [h["action"] for h in history] == ["split-off"]
    assert clusters.cluster_detail(db, cluster_id=new.id).note["split_from"] == source


def test_corrections_refuse_what_cannot_be_done(db: Session) -> None:
    source, ticket_ids = seed_cluster(db, CARD[:2])
    other, other_ids = seed_cluster(db, ["pin change"])
    with pytest.raises(Invalid):
        clusters.split(db, cluster_id=source, ticket_ids=ticket_ids)
    with pytest.raises(Invalid):
        clusters.split(db, cluster_id=source, ticket_ids=other_ids)
    with pytest.raises(Invalid):
        clusters.merge(db, source_id=source, target_id=source)
    reader = Actor(kind="user", id=1, role=None, scopes=frozenset({"signals:read"}))
    with pytest.raises(PermissionDenied):
        clusters.rename(db, cluster_id=source, label="x", actor=reader)
    clusters.merge(db, source_id=other, target_id=source)
    with pytest.raises(Conflict):
        clusters.merge(db, source_id=other, target_id=source)
    with pytest.raises(Conflict):
        clusters.split(db, cluster_id=other, ticket_ids=other_ids)
    renamed = clusters.rename(db, cluster_id=other, label="Card and PIN")
    assert renamed.id == source and renamed.label_pinned
