"""Engine state in the database: encoder frequencies, seasonal baseline, problem clusters.

Assignment is serialised by a row lock on the encoder state row (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite has a single writer), so any number of workers share one view.

Per ticket, the text is encoded with the stored document frequencies (``learn=False``) and
the frequencies are folded in batches (every ``FOLD_EVERY`` tickets once there is some history,
sooner at first, and in the hourly repair):
the encoder row keeps a watermark ticket id, so a restart loses nothing, the next batch
catches up. Each process caches the decoded encoder and the active clusters, keyed by random
tokens that every writer of those rows renews (under the same row lock), so a worker reloads
only what another worker (or an agent's correction) changed.
"""

from __future__ import annotations

import json
import threading
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from csops import clock
from csops.config import get_settings
from csops.domains.signals.models import ClusterTicket, EngineState, ProblemCluster
from csops.domains.tickets.models import Message, Ticket
from csops.engine.clustering import (
    TUNED,
    Assignment,
    StreamingClusterer,
    Tuning,
    Vector,
    vector_from_bytes,
    vector_to_bytes,
)
from csops.engine.spikes import SeasonalBaseline
from csops.engine.text import Encoder, HashedTfidf, make_encoder, semantic_available, tokenize
from csops.errors import Invalid

ENCODER = "encoder"
BASELINE = "baseline"
ACTIVE_DAYS = 14
FOLD_EVERY = 200
FOLD_FIRST = 10
FOLD_MAX = 5000
CACHE_FOR = timedelta(hours=1)
CACHED_DATABASES = 8  # one in production; tests open many


def state_row(
    session: Session, key: str, *, lock: bool = False, with_blob: bool = True
) -> EngineState:
    query = select(EngineState).where(EngineState.key == key)
    if lock:
        query = query.with_for_update()
    if not with_blob:
        query = query.options(defer(EngineState.blob))
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
    _update(row, n_docs=encoder.n_docs, dim=encoder.dim, encoder_token=_token())
    row.updated_at = clock.now()


def _token() -> str:
    return uuid.uuid4().hex


def _update(row: EngineState, **values: Any) -> None:
    row.state = {**(row.state or {}), **values}  # a new dict, so the JSON column is saved


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
        _load_row(clusterer, row)
    return clusterer


def _load_row(clusterer: StreamingClusterer, row: ProblemCluster) -> None:
    # An unpinned label is the representative ticket's first line: it stands in for the sample.
    clusterer.load_cluster(
        row.id,
        vector_from_bytes(row.centroid, clusterer.dim),
        row.count,
        label=row.label,
        label_pinned=row.label_pinned,
        terms={k: float(v) for k, v in (row.terms or {}).items()},
        cannot_link=row.cannot_link or [],
        sample="" if row.label_pinned else row.label,
    )


# -- in-process caches ----------------------------------------------------------------------


@dataclass
class _Cached:
    token: str
    value: Any
    loaded_for: datetime | None = None


_lock = threading.RLock()
_encoders: dict[str, _Cached] = {}
_clusterers: dict[str, _Cached] = {}
_semantic: Encoder | None = None


def clear_caches() -> None:
    """Forget the decoded encoder and clusters (what a restarted process starts with)."""
    with _lock:
        _encoders.clear()
        _clusterers.clear()


def _db_key(session: Session) -> str:
    return str(session.get_bind().engine.url)


def representation() -> str:
    return get_settings().signals_representation


def tuning() -> Tuning:
    """The clustering settings tuned for the configured representation."""
    return TUNED[representation()]


def join_threshold() -> float:
    configured = get_settings().signals_cluster_threshold
    return tuning().threshold if configured is None else configured


def active_encoder(session: Session, row: EngineState) -> Encoder:
    """The configured representation: the stored hashed TF-IDF, or the semantic encoder."""
    if representation() == "semantic":
        return _semantic_encoder()
    return cached_encoder(session, row)


def _semantic_encoder() -> Encoder:
    global _semantic
    with _lock:
        if _semantic is None:
            if not semantic_available():
                raise Invalid(
                    "CSOPS_SIGNALS_REPRESENTATION=semantic needs the optional extra: "
                    "pip install 'csops[semantic]'"
                )
            _semantic = make_encoder("semantic")
        return _semantic


def cached_encoder(session: Session, row: EngineState) -> HashedTfidf:
    """The stored encoder, decoded once per process and again only after a fold."""
    token = (row.state or {}).get("encoder_token")
    key = _db_key(session)
    with _lock:
        hit = _encoders.get(key)
        if token and hit is not None and hit.token == token:
            return hit.value  # type: ignore[no-any-return]
        if not token:
            token = _token()
            _update(row, encoder_token=token)
        encoder = load_encoder(row)
        if len(_encoders) >= CACHED_DATABASES:
            _encoders.clear()
        _encoders[key] = _Cached(token, encoder)
        return encoder


def _cached_clusterer(
    session: Session, row: EngineState, dim: int, threshold: float, at: datetime
) -> StreamingClusterer:
    token = (row.state or {}).get("clusters_token")
    key = f"{_db_key(session)}|{dim}|{threshold}"
    hit = _clusterers.get(key)
    fresh = hit is not None and hit.loaded_for is not None and abs(at - hit.loaded_for) < CACHE_FOR
    if token and hit is not None and hit.token == token and fresh:
        return hit.value  # type: ignore[no-any-return]
    clusterer = load_clusterer(session, dim, threshold, at)
    if len(_clusterers) >= CACHED_DATABASES:
        _clusterers.clear()
    _clusterers[key] = _Cached(str(token or ""), clusterer, at)
    return clusterer


def _renew_clusters_token(session: Session, row: EngineState, dim: int, threshold: float) -> None:
    token = _token()
    _update(row, clusters_token=token)
    hit = _clusterers.get(f"{_db_key(session)}|{dim}|{threshold}")
    if hit is not None:
        hit.token = token


def clusters_changed(session: Session) -> None:
    """Every write to cluster rows outside the streaming path calls this (row-locked)."""
    row = state_row(session, ENCODER, lock=True, with_blob=False)
    _update(row, clusters_token=_token())


# -- streaming assignment -------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where a ticket's text landed: its cluster row, similarity and the text's vector."""

    cluster: ProblemCluster
    similarity: float
    vector: Vector


def assign_ticket(
    session: Session, text: str, at: datetime, *, ticket_id: int | None = None
) -> Placement:
    """Encode a ticket's text and assign it to a problem cluster (serialised by a row lock).

    ``ticket_id``, when given, lets a ticket processed after a fold that passed its id (an
    out-of-order worker) still be folded into the frequencies by the next batch.
    """
    enc_row = state_row(session, ENCODER, lock=True, with_blob=False)
    threshold = join_threshold()
    with _lock:
        try:
            encoder = active_encoder(session, enc_row)
            vec = encoder.encode_many([text], learn=False)[0]
            clusterer = _cached_clusterer(session, enc_row, encoder.dim, threshold, at)
            assignment = _assign(clusterer, vec, text, at)
            cluster = persist_cluster(
                session, clusterer, assignment.cluster_id, created=assignment.created, at=at
            )
            _renew_clusters_token(session, enc_row, encoder.dim, threshold)
        except BaseException:
            clear_caches()  # the cache may hold half of a write that is rolled back
            raise
    _count_for_fold(session, enc_row, ticket_id)
    return Placement(cluster, assignment.similarity, vec)


def _assign(clusterer: StreamingClusterer, vec: Vector, text: str, at: datetime) -> Assignment:
    return clusterer.assign(vec, tokenize(text), at=at.timestamp(), text=text)


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
    if row.id != cluster_id:
        clusterer.rekey(cluster_id, row.id)  # so the cached clusterer keeps naming rows
    return row


# -- document frequencies in batches --------------------------------------------------------


def _count_for_fold(session: Session, row: EngineState, ticket_id: int | None) -> None:
    pending = int((row.state or {}).get("unfolded", 0)) + 1
    _update(row, unfolded=pending)
    if pending >= fold_after(int((row.state or {}).get("n_docs", 0))):
        fold_pending(session)
    # This ticket's link is written after this step: behind the watermark (another worker
    # folded a later ticket), it would be skipped by the next batch, so it is noted apart.
    current = row.state or {}
    if ticket_id is not None and ticket_id <= int(current.get("watermark", 0)):
        _update(row, late=[*current.get("late", []), ticket_id][-FOLD_MAX:])


def fold_after(n_docs: int) -> int:
    """Fold often while the frequencies are young (a fold is cheap then), every 200 later."""
    return min(FOLD_EVERY, max(FOLD_FIRST, n_docs // 4))


def fold_pending(session: Session) -> int:
    """Fold the texts of clustered tickets past the watermark into the frequencies.

    Called every ``FOLD_EVERY`` assignments and by the hourly repair; returns how many texts
    were folded. Idempotent: the watermark moves in the same transaction.
    """
    row = state_row(session, ENCODER, lock=True)
    current = row.state or {}
    watermark = int(current.get("watermark", 0))
    late = [int(t) for t in current.get("late", [])]
    ids = list(
        session.scalars(
            select(ClusterTicket.ticket_id)
            .where(ClusterTicket.ticket_id > watermark)
            .order_by(ClusterTicket.ticket_id)
            .limit(FOLD_MAX)
        )
    )
    if not ids and not late:
        _update(row, unfolded=0)
        return 0
    texts = ticket_texts(session, [*late, *ids])
    encoder = load_encoder(row)
    encoder.learn([texts.get(t, "") for t in [*late, *ids]])
    save_encoder(row, encoder)
    _update(row, watermark=max([watermark, *ids]), late=[], unfolded=0)
    with _lock:
        _encoders.pop(_db_key(session), None)
    return len(ids) + len(late)


def ticket_texts(session: Session, ticket_ids: Sequence[int]) -> dict[int, str]:
    """Subject and first message of each ticket, as the clustering reads them (two queries)."""
    wanted = sorted(set(ticket_ids))
    if not wanted:
        return {}
    subjects = {
        tid: subject
        for tid, subject in session.execute(
            select(Ticket.id, Ticket.subject).where(Ticket.id.in_(wanted))
        )
    }
    first = (
        select(func.min(Message.id))
        .where(Message.ticket_id.in_(wanted))
        .group_by(Message.ticket_id)
    )
    bodies = {
        tid: body
        for tid, body in session.execute(
            select(Message.ticket_id, Message.body_text).where(Message.id.in_(first))
        )
    }
    return {tid: f"{subject}\n{bodies.get(tid) or ''}" for tid, subject in subjects.items()}
