"""Merging problem clusters (an agent's merge and the batch repair's) and the batch repair.

The hourly repair folds pending document frequencies, re-encodes the recent window and lets
the agglomerative pass of the engine merge fragments of one problem; agents' splits
(cannot-link pairs) are never joined again, and every merge is recorded on the rows
(``merged_into_id``) exactly like an agent's merge.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from csops.domains.signals.models import ClusterTicket, ProblemCluster
from csops.domains.signals.state import (
    ENCODER,
    active_encoder,
    clusters_changed,
    fold_pending,
    join_threshold,
    load_clusterer,
    state_row,
    ticket_texts,
    tuning,
)
from csops.engine.clustering import StreamingClusterer, vector_from_bytes, vector_to_bytes

WINDOW_MAX = 2000  # the newest tickets of the window that the repair re-encodes


def merge_rows(session: Session, *, source_id: int, target_id: int) -> ProblemCluster:
    """The source's tickets, centroid and terms move to the target; the source redirects.

    Rows kept apart from the source (an agent's split) are kept apart from the target too.
    """
    source = session.get(ProblemCluster, source_id)
    target = session.get(ProblemCluster, target_id)
    if source is None or target is None:
        raise LookupError("no such cluster")
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
    apart = (set(target.cannot_link or []) | set(source.cannot_link or [])) - {
        source.id,
        target.id,
    }
    target.cannot_link = sorted(apart)
    for other in session.scalars(
        select(ProblemCluster).where(ProblemCluster.id.in_(sorted(apart)))
    ):
        other.cannot_link = sorted(({*(other.cannot_link or [])} - {source.id}) | {target.id})
    target.last_at = max(target.last_at, source.last_at)
    source.merged_into_id = target.id
    session.execute(
        update(ClusterTicket)
        .where(ClusterTicket.cluster_id == source.id)
        .values(cluster_id=target.id)
    )
    session.flush()
    return target


def recluster_recent(
    session: Session, *, at: datetime, hours: int = 24, cut: float | None = None
) -> int:
    """Batch repair: re-encode the newest tickets of the window and merge the fragments of one
    problem (Ward's criterion over the window, cut tuned per representation).

    Agents' splits (cannot-link pairs) are respected by the engine; merges are recorded on the
    rows (``merged_into_id``) exactly like an agent's merge. Returns how many clusters merged.
    """
    fold_pending(session)
    enc_row = state_row(session, ENCODER, lock=True)
    encoder = active_encoder(session, enc_row)
    newest_first = session.scalars(
        select(ClusterTicket)
        .where(ClusterTicket.created_at >= at - timedelta(hours=hours))
        .order_by(ClusterTicket.created_at.desc(), ClusterTicket.ticket_id.desc())
        .limit(WINDOW_MAX)
    )
    links = list(reversed(list(newest_first)))
    if len(links) < 3:
        return 0
    texts = ticket_texts(session, [link.ticket_id for link in links])
    clusterer = load_clusterer(session, encoder.dim, join_threshold(), at)
    keep = [i for i, link in enumerate(links) if link.cluster_id in clusterer.clusters]
    if len(keep) < 3:
        return 0
    vectors = encoder.encode_many([texts.get(links[i].ticket_id, "") for i in keep], learn=False)
    clusterer.recluster(
        np.asarray(vectors),
        [links[i].cluster_id for i in keep],
        cut=tuning().window_cut if cut is None else cut,
        method="ward",
    )
    return _record_merges(session, clusterer)


def consolidate_active(session: Session, *, at: datetime) -> int:
    """Daily: merge across every active cluster (not only the recent window), so one problem
    reported over several days ends in one cluster. Returns how many clusters merged."""
    enc_row = state_row(session, ENCODER, lock=True, with_blob=False)
    dim = active_encoder(session, enc_row).dim
    clusterer = load_clusterer(session, dim, join_threshold(), at)
    if len(clusterer.clusters) < 2:
        return 0
    clusterer.consolidate(tuning())
    return _record_merges(session, clusterer)


def _record_merges(session: Session, clusterer: StreamingClusterer) -> int:
    merged = 0
    for source in sorted(clusterer.redirects):
        merge_rows(session, source_id=source, target_id=clusterer.resolve(source))
        merged += 1
    if merged:
        clusters_changed(session)
    return merged
