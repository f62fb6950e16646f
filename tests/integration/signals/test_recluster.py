from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.signals import repair, service, state
from csops.domains.signals.models import ClusterTicket, ProblemCluster
from csops.engine.clustering import vector_to_bytes
from tests.factories.tickets import make_ticket

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_batch_repair_merges_fragments_and_agent_merge_redirects(db: Session) -> None:
    texts = ["my card payment failed", "card payment failed again", "the card payment failed",
             "how do I change my pin", "change my pin please", "pin change how"]  # fmt: skip
    enc_row = state.state_row(db, state.ENCODER)
    encoder = state.load_encoder(enc_row)
    vecs = encoder.encode_many(texts)
    state.save_encoder(enc_row, encoder)
    # The stream left each card ticket in its own fragment; the pin ones in one cluster.
    rows = []
    for members in ([0], [1], [2], [3, 4, 5]):
        total = np.sum(vecs[members], axis=0)
        row = ProblemCluster(dim=encoder.dim, centroid=vector_to_bytes(total), count=len(members),
                             label="", last_at=NOW)  # fmt: skip
        db.add(row)
        db.flush()
        rows.append((row, members))
    for row, members in rows:
        for m in members:
            with clock.frozen(NOW - timedelta(minutes=10 - m)):
                t = make_ticket(db, subject=texts[m], description=texts[m])
            db.add(ClusterTicket(ticket_id=t.id, cluster_id=row.id, similarity=1.0,
                                 created_at=NOW - timedelta(minutes=10 - m)))  # fmt: skip
    db.flush()
    merged = repair.recluster_recent(db, at=NOW)
    assert merged == 2
    card_ids = {rows[i][0].id for i in range(3)}
    survivors = [r for r, _ in rows[:3] if r.merged_into_id is None]
    assert len(survivors) == 1 and rows[3][0].merged_into_id is None
    assert {r.merged_into_id for r, _ in rows[:3] if r.merged_into_id} <= card_ids
    renamed = service.rename(db, cluster_id=rows[0][0].id, label="Card payments")
    assert renamed.id == survivors[0].id and renamed.label_pinned
