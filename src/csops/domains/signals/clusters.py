"""Problem clusters as agents see and correct them: list, detail, rename, merge and split.

Corrections are kept: a renamed cluster keeps its label (``label_pinned``), a merged one
redirects to its target (``merged_into_id``), and a split leaves the two rows kept apart
(``cannot_link`` on both), which the streaming path and the batch repair respect. Each
correction writes a history entry (who, what, when) to the cluster's note, an engine-state
row ``cluster:<id>`` that also records where a split cluster came from.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from csops import clock
from csops.domains.accounts.actor import Actor
from csops.domains.signals import repair, state
from csops.domains.signals.models import ClusterTicket, EngineState, ProblemCluster
from csops.domains.tickets.models import Ticket
from csops.engine.clustering import Cluster, vector_from_bytes, vector_to_bytes
from csops.engine.text import tokenize
from csops.errors import Conflict, Invalid, NotFound, PermissionDenied

HOURS = 24
MAX_HISTORY = 50
SAMPLE_FROM = 50  # the kept tickets a new label is chosen from after a split (most recent)


@dataclass
class ClusterView:
    row: ProblemCluster
    hourly: list[int]
    note: dict[str, Any] = field(default_factory=dict)
    tickets: list[dict[str, Any]] = field(default_factory=list)
    split_into: list[int] = field(default_factory=list)

    @property
    def recent(self) -> int:
        return sum(self.hourly)


def _require(actor: Actor | None) -> None:
    if actor is not None and (not actor.is_staff or not actor.has_scope("signals:write")):
        raise PermissionDenied("signals:write is needed")


def _note_key(cluster_id: int) -> str:
    return f"cluster:{cluster_id}"


def notes(session: Session, cluster_ids: list[int]) -> dict[int, dict[str, Any]]:
    keys = {_note_key(c): c for c in cluster_ids}
    if not keys:
        return {}
    rows = session.scalars(select(EngineState).where(EngineState.key.in_(list(keys))))
    return {keys[r.key]: dict(r.state or {}) for r in rows}


def _record(
    session: Session, cluster_id: int, actor: Actor | None, action: str, **detail: Any
) -> None:
    row = state.state_row(session, _note_key(cluster_id), with_blob=False)
    current = dict(row.state or {})
    entry = {
        "at": clock.now().isoformat(),
        "action": action,
        "actor_id": actor.id if actor is not None and actor.kind == "user" else None,
        "actor": actor.name if actor is not None else "system",
        **detail,
    }
    current["history"] = [*current.get("history", []), entry][-MAX_HISTORY:]
    row.state = current
    row.updated_at = clock.now()


def get_cluster(session: Session, cluster_id: int, *, fresh: bool = False) -> ProblemCluster:
    """The cluster row; ``fresh`` re-reads it (after taking the lock, for a correction)."""
    row = session.get(ProblemCluster, cluster_id, populate_existing=fresh)
    if row is None:
        raise NotFound(f"no cluster #{cluster_id}")
    return row


def _live(session: Session, cluster_id: int) -> ProblemCluster:
    """The cluster, or the one it was merged into (following the chain)."""
    row = get_cluster(session, cluster_id, fresh=True)
    seen = {row.id}
    while row.merged_into_id is not None and row.merged_into_id not in seen:
        nxt = session.get(ProblemCluster, row.merged_into_id, populate_existing=True)
        if nxt is None:
            break
        seen.add(nxt.id)
        row = nxt
    return row


# -- corrections ----------------------------------------------------------------------------


def rename(
    session: Session, *, cluster_id: int, label: str, actor: Actor | None = None
) -> ProblemCluster:
    """Pin an agent's label on the cluster (or on the one it was merged into)."""
    _require(actor)
    state.clusters_changed(session)  # the lock first: rows are read after it
    row = _live(session, cluster_id)
    label = " ".join(label.split())[:200]
    if not label:
        raise Invalid("a label is needed")
    old = row.label
    row.label, row.label_pinned = label, True
    _record(session, row.id, actor, "rename", old=old, new=label)
    session.flush()
    return row


def merge(
    session: Session, *, source_id: int, target_id: int, actor: Actor | None = None
) -> ProblemCluster:
    """Agents' merge: the source's tickets and centroid move to the target for good."""
    _require(actor)
    if source_id == target_id:
        raise Invalid("a cluster cannot be merged into itself")
    state.clusters_changed(session)  # the lock first: rows are read after it
    source = get_cluster(session, source_id, fresh=True)
    target = get_cluster(session, target_id, fresh=True)
    for row in (source, target):
        if row.merged_into_id is not None:
            raise Conflict(f"cluster #{row.id} is already merged into #{row.merged_into_id}")
    if source.dim != target.dim:
        raise Conflict("the clusters come from different text representations")
    merged = repair.merge_rows(session, source_id=source.id, target_id=target.id)
    _record(session, target.id, actor, "merge", source=source.id, count=source.count)
    _record(session, source.id, actor, "merged", into=target.id)
    return merged


def split(
    session: Session,
    *,
    cluster_id: int,
    ticket_ids: list[int],
    label: str | None = None,
    actor: Actor | None = None,
) -> ProblemCluster:
    """Move the chosen tickets to a new cluster, kept apart from the old one for good.

    The moved tickets are encoded again with the current encoder, and their vectors leave the
    old centroid's total for the new one.
    """
    _require(actor)
    state.clusters_changed(session)  # the lock first: rows are read after it
    source = get_cluster(session, cluster_id, fresh=True)
    if source.merged_into_id is not None:
        raise Conflict(f"cluster #{source.id} is merged into #{source.merged_into_id}")
    chosen = list(dict.fromkeys(int(t) for t in ticket_ids))
    if not chosen:
        raise Invalid("choose the tickets to split off")
    enc_row = state.state_row(session, state.ENCODER, lock=True, with_blob=False)
    links = list(
        session.scalars(
            select(ClusterTicket)
            .where(ClusterTicket.cluster_id == source.id)
            .order_by(ClusterTicket.created_at, ClusterTicket.ticket_id)
        )
    )
    chosen_set = set(chosen)
    moving = [link for link in links if link.ticket_id in chosen_set]
    missing = sorted(chosen_set - {link.ticket_id for link in moving})
    if missing:
        shown = ", ".join(f"#{t}" for t in missing[:10])
        raise Invalid(f"not in cluster #{source.id}: {shown}")
    if len(moving) == len(links):
        raise Invalid("a split must leave tickets in the cluster; rename it instead")
    encoder = state.active_encoder(session, enc_row)
    if encoder.dim != source.dim:
        raise Conflict("the cluster comes from another text representation")
    texts = state.ticket_texts(session, [link.ticket_id for link in moving])
    moved_texts = [texts.get(link.ticket_id, "") for link in moving]
    vectors = np.asarray(encoder.encode_many(moved_texts, learn=False))
    moved_total = vectors.sum(axis=0)
    sample = moved_texts[int(np.argmax(vectors @ moved_total))]
    new = _new_row(source, moving, moved_texts, moved_total, label or None, sample)
    session.add(new)
    session.flush()
    moved_ids = {link.ticket_id for link in moving}
    kept = [link.ticket_id for link in links if link.ticket_id not in moved_ids][-SAMPLE_FROM:]
    _shrink(source, moving, moved_texts, moved_total, len(links))
    if not source.label_pinned:
        source.label = _representative_label(session, encoder, source, kept)
    source.cannot_link = sorted({*(source.cannot_link or []), new.id})
    for link in moving:
        link.cluster_id = new.id
    _record(session, new.id, actor, "split", source=source.id, tickets=chosen)
    note = state.state_row(session, _note_key(new.id), with_blob=False)
    note.state = {**(note.state or {}), "split_from": source.id}
    _record(session, source.id, actor, "split-off", into=new.id, tickets=chosen)
    session.flush()
    return new


def _new_row(
    source: ProblemCluster,
    moving: list[ClusterTicket],
    texts: list[str],
    total: Any,
    label: str | None,
    sample: str,
) -> ProblemCluster:
    terms = _terms(texts)
    name = " ".join((label or "").split())[:200]
    return ProblemCluster(
        label=name or _auto_label(terms, sample),
        label_pinned=bool(name),
        dim=source.dim,
        centroid=vector_to_bytes(total),
        count=len(moving),
        terms=terms,
        cannot_link=[source.id],
        last_at=max(link.created_at for link in moving),
        created_at=clock.now(),
    )


def _shrink(
    source: ProblemCluster,
    moving: list[ClusterTicket],
    moved_texts: list[str],
    moved_total: Any,
    n_links: int,
) -> None:
    total = vector_from_bytes(source.centroid, source.dim) - moved_total
    source.centroid = vector_to_bytes(total)
    source.count = max(source.count - len(moving), n_links - len(moving))
    remaining = dict(source.terms or {})
    for term, n in _terms(moved_texts).items():
        left = float(remaining.get(term, 0.0)) - n
        if left > 0:
            remaining[term] = left
        else:
            remaining.pop(term, None)
    source.terms = remaining


def _representative_label(
    session: Session, encoder: Any, source: ProblemCluster, ticket_ids: list[int]
) -> str:
    """The label of what is left: the kept ticket nearest the new centroid (recent ones)."""
    texts = list(state.ticket_texts(session, ticket_ids).values())
    if not texts:
        return _auto_label(dict(source.terms or {}), "")
    total = vector_from_bytes(source.centroid, source.dim)
    sims = np.asarray(encoder.encode_many(texts, learn=False)) @ total
    return _auto_label(dict(source.terms or {}), texts[int(np.argmax(sims))])


def _terms(texts: list[str]) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(tokenize(text)))
    return {term: float(n) for term, n in counts.most_common(40)}


def _auto_label(terms: dict[str, float], sample: str) -> str:
    """The engine's label: a representative text's first line when it keeps one, else terms."""
    cluster = Cluster(id=0, total=np.zeros(1, dtype=np.float32), terms=dict(terms), sample=sample)
    return cluster.auto_label()[:200]


# -- views ----------------------------------------------------------------------------------


def _hourly(session: Session, cluster_ids: list[int], at: datetime) -> dict[int, list[int]]:
    start = at - timedelta(hours=HOURS)
    out = {cid: [0] * HOURS for cid in cluster_ids}
    if not cluster_ids:
        return out
    rows = session.execute(
        select(ClusterTicket.cluster_id, ClusterTicket.created_at).where(
            ClusterTicket.cluster_id.in_(cluster_ids),
            ClusterTicket.created_at > start,
            ClusterTicket.created_at <= at,
        )
    ).all()
    for cid, created in rows:
        index = min(HOURS - 1, int((created - start).total_seconds() // 3600))
        out[cid][index] += 1
    return out


def active_clusters(
    session: Session, *, at: datetime | None = None, limit: int = 50
) -> list[ClusterView]:
    """Clusters that took a ticket in the last two weeks, busiest in the last day first."""
    at = at or clock.now()
    rows = list(
        session.scalars(
            select(ProblemCluster)
            .options(defer(ProblemCluster.centroid))  # up to 2000 rows read for their counts
            .where(
                ProblemCluster.merged_into_id.is_(None),
                ProblemCluster.last_at >= at - timedelta(days=state.ACTIVE_DAYS),
            )
            .order_by(ProblemCluster.last_at.desc())
            .limit(2000)
        )
    )
    hourly = _hourly(session, [r.id for r in rows], at)
    views = [ClusterView(row=r, hourly=hourly[r.id]) for r in rows]
    views.sort(key=lambda v: (-v.recent, -v.row.last_at.timestamp(), -v.row.id))
    views = views[:limit]
    found = notes(session, [v.row.id for v in views])
    for view in views:
        view.note = found.get(view.row.id, {})
    return views


def cluster_detail(
    session: Session, *, cluster_id: int, at: datetime | None = None, limit: int = 100
) -> ClusterView:
    at = at or clock.now()
    row = get_cluster(session, cluster_id)
    found = session.execute(
        select(ClusterTicket, Ticket)
        .join(Ticket, Ticket.id == ClusterTicket.ticket_id)
        .where(ClusterTicket.cluster_id == row.id)
        .order_by(ClusterTicket.created_at.desc(), ClusterTicket.ticket_id.desc())
        .limit(limit)
    ).all()
    tickets = [
        {
            "id": ticket.id,
            "subject": ticket.subject,
            "status": ticket.status.value,
            "created_at": link.created_at,
            "similarity": round(float(link.similarity), 3),
        }
        for link, ticket in found
    ]
    note = notes(session, [row.id]).get(row.id, {})
    split_into = [int(h["into"]) for h in note.get("history", []) if h.get("action") == "split-off"]
    return ClusterView(
        row=row,
        hourly=_hourly(session, [row.id], at)[row.id],
        note=note,
        tickets=tickets,
        split_into=split_into,
    )


def merge_targets(session: Session, *, cluster_id: int, limit: int = 200) -> list[ProblemCluster]:
    """Live clusters an agent may merge this one into (most recent first)."""
    return list(
        session.scalars(
            select(ProblemCluster)
            .where(ProblemCluster.merged_into_id.is_(None), ProblemCluster.id != cluster_id)
            .order_by(ProblemCluster.last_at.desc())
            .limit(limit)
        )
    )
