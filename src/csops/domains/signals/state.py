"""Engine state in the database: encoder frequencies, seasonal baseline, problem clusters.

Assignment is serialised by a row lock on the encoder state row (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite has a single writer), so any number of workers share one view and a
restart loses nothing: every assignment commits its cluster, counts and frequencies together.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops import clock
from csops.config import get_settings
from csops.domains.signals.models import ClusterTicket, EngineState, ProblemCluster
from csops.engine.clustering import (
    StreamingClusterer,
    Vector,
    vector_from_bytes,
    vector_to_bytes,
)
from csops.engine.spikes import SeasonalBaseline
from csops.engine.text import HashedTfidf, tokenize

ENCODER = "encoder"
BASELINE = "baseline"
ACTIVE_DAYS = 14


def state_row(session: Session, key: str, *, lock: bool = False) -> EngineState:
    query = select(EngineState).where(EngineState.key == key)
    if lock:
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None:
        row = EngineState(key=key, state={}, blob=None, updated_at=clock.now())
        session.add(row)
        session.flush()
    return row


def load_encoder(row: EngineState) -> HashedTfidf:
    if not row.blob:
        return HashedTfidf()
    return HashedTfidf.from_state(json.loads(zlib.decompress(row.blob)))


def save_encoder(row: EngineState, encoder: HashedTfidf) -> None:
    row.blob = zlib.compress(json.dumps(encoder.state()).encode(), 6)
    row.state = {"n_docs": encoder.n_docs, "dim": encoder.dim}
    row.updated_at = clock.now()


def load_baseline(session: Session) -> tuple[EngineState, SeasonalBaseline]:
    row = state_row(session, BASELINE)
    return row, SeasonalBaseline.from_state(row.state or {})


def save_baseline(row: EngineState, baseline: SeasonalBaseline) -> None:
    row.state = baseline.state()
    row.updated_at = clock.now()


def load_clusterer(
    session: Session, dim: int, threshold: float, at: datetime
) -> StreamingClusterer:
    clusterer = StreamingClusterer(dim, threshold=threshold)
    rows = session.scalars(
        select(ProblemCluster).where(
            ProblemCluster.merged_into_id.is_(None),
            ProblemCluster.dim == dim,
            ProblemCluster.last_at >= at - timedelta(days=ACTIVE_DAYS),
        )
    )
    for row in rows:
        clusterer.load_cluster(
            row.id,
            vector_from_bytes(row.centroid, dim),
            row.count,
            label=row.label,
            label_pinned=row.label_pinned,
            terms={k: float(v) for k, v in (row.terms or {}).items()},
            cannot_link=row.cannot_link or [],
        )
    return clusterer


@dataclass(frozen=True)
class Placement:
    """Where a ticket's text landed: its cluster row, similarity and the text's vector."""

    cluster: ProblemCluster
    similarity: float
    vector: Vector


def assign_ticket(session: Session, text: str, at: datetime) -> Placement:
    """Encode a ticket's text and assign it to a problem cluster (serialised by a row lock)."""
    enc_row = state_row(session, ENCODER, lock=True)
    encoder = load_encoder(enc_row)
    vec = encoder.encode(text)
    save_encoder(enc_row, encoder)
    threshold = get_settings().signals_cluster_threshold
    clusterer = load_clusterer(session, encoder.dim, threshold, at)
    assignment = clusterer.assign(vec, tokenize(text), at=at.timestamp())
    cluster = persist_cluster(
        session, clusterer, assignment.cluster_id, created=assignment.created, at=at
    )
    return Placement(cluster, assignment.similarity, vec)


def persist_cluster(
    session: Session, clusterer: StreamingClusterer, cluster_id: int, *, created: bool, at: datetime
) -> ProblemCluster:
    cluster = clusterer.clusters[cluster_id]
    row = None if created else session.get(ProblemCluster, cluster_id)
    if row is None:
        row = ProblemCluster(dim=clusterer.dim, created_at=at)
        session.add(row)
    row.centroid = vector_to_bytes(cluster.total)
    row.count = cluster.count
    row.terms = dict(cluster.terms)
    row.label = cluster.label[:200]
    row.label_pinned = cluster.label_pinned
    row.cannot_link = sorted(cluster.cannot_link)
    row.last_at = max(row.last_at, at) if row.last_at else at
    session.flush()
    return row


def rename(session: Session, *, cluster_id: int, label: str) -> ProblemCluster:
    row = _cluster(session, cluster_id)
    row.label, row.label_pinned = label[:200], True
    return row


def merge(session: Session, *, source_id: int, target_id: int) -> ProblemCluster:
    """Agents' merge: the source's tickets and centroid move to the target, and it stays merged."""
    source, target = _cluster(session, source_id), _cluster(session, target_id)
    if source.id == target.id or source.dim != target.dim:
        return target
    total = vector_from_bytes(target.centroid, target.dim) + vector_from_bytes(
        source.centroid, source.dim
    )
    target.centroid = vector_to_bytes(total)
    target.count += source.count
    terms: dict[str, Any] = dict(target.terms or {})
    for k, v in (source.terms or {}).items():
        terms[k] = float(terms.get(k, 0.0)) + float(v)
    target.terms = terms
    source.merged_into_id = target.id
    for link in session.scalars(select(ClusterTicket).where(ClusterTicket.cluster_id == source.id)):
        link.cluster_id = target.id
    session.flush()
    return target


def _cluster(session: Session, cluster_id: int) -> ProblemCluster:
    from csops.errors import NotFound

    row = session.get(ProblemCluster, cluster_id)
    if row is None:
        raise NotFound("no such cluster")
    while row.merged_into_id is not None:
        nxt = session.get(ProblemCluster, row.merged_into_id)
        if nxt is None:
            break
        row = nxt
    return row


def recluster_recent(session: Session, *, at: datetime, hours: int = 24, cut: float = 0.3) -> int:
    """Batch repair: re-encode the recent window and merge clusters the agglomerative pass joins.

    Agents' splits (cannot-link pairs) are respected by the engine; merges are recorded on the
    rows (``merged_into_id``) exactly like an agent's merge. Returns how many clusters merged.
    """
    from csops.domains.signals.detection import ticket_text
    from csops.domains.tickets.models import Ticket

    state_row(session, ENCODER, lock=True)
    encoder = load_encoder(state_row(session, ENCODER))
    links = list(
        session.scalars(
            select(ClusterTicket)
            .where(ClusterTicket.created_at >= at - timedelta(hours=hours))
            .order_by(ClusterTicket.created_at)
            .limit(2000)
        )
    )
    if len(links) < 3:
        return 0
    texts = []
    for link in links:
        ticket = session.get(Ticket, link.ticket_id)
        texts.append(ticket_text(session, ticket) if ticket else "")
    vectors = encoder.encode_many(texts, learn=False)
    clusterer = load_clusterer(session, encoder.dim, cut, at)
    known = [link.cluster_id for link in links if link.cluster_id in clusterer.clusters]
    keep = [i for i, link in enumerate(links) if link.cluster_id in clusterer.clusters]
    if len(keep) < 3:
        return 0
    clusterer.recluster(vectors[keep], known, cut=cut)
    merged = 0
    for source, target in clusterer.redirects.items():
        merge(session, source_id=source, target_id=clusterer.resolve(target))
        merged += 1
    return merged
