"""Streaming problem clustering with agent corrections and batch repair.

Each item joins the most similar cluster when the cosine similarity to its centroid reaches
``threshold``; otherwise it starts a new cluster, so the number of clusters is never given.
Agents' corrections are kept: a renamed cluster keeps its name, merged clusters stay merged
(the absorbed id redirects), and split clusters are never joined again by the batch repair.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.cluster.hierarchy import fcluster, linkage

Vector = NDArray[np.float32]


@dataclass
class Cluster:
    id: int
    total: Vector
    count: int = 0
    label: str = ""
    label_pinned: bool = False
    terms: dict[str, float] = field(default_factory=dict)
    cannot_link: set[int] = field(default_factory=set)
    last_at: float = 0.0

    @property
    def centroid(self) -> Vector:
        norm = float(np.linalg.norm(self.total))
        return self.total / norm if norm else self.total

    def add_terms(self, tokens: Iterable[str], max_terms: int = 40) -> None:
        for tok in set(tokens):
            self.terms[tok] = self.terms.get(tok, 0.0) + 1.0
        if len(self.terms) > 2 * max_terms:
            keep = sorted(self.terms.items(), key=lambda kv: -kv[1])[:max_terms]
            self.terms = dict(keep)

    def auto_label(self, n: int = 3) -> str:
        ranked = sorted(self.terms.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        return " / ".join(t for t, _ in ranked)


@dataclass(frozen=True)
class Assignment:
    cluster_id: int
    similarity: float
    created: bool


class StreamingClusterer:
    """Leader-style online clustering over unit vectors."""

    def __init__(self, dim: int, *, threshold: float = 0.5, next_id: int = 1) -> None:
        self.dim = dim
        self.threshold = threshold
        self.clusters: dict[int, Cluster] = {}
        self.redirects: dict[int, int] = {}
        self._next_id = next_id
        self._ids: list[int] = []
        self._row: dict[int, int] = {}
        self.dormant: dict[int, Cluster] = {}
        self._matrix = np.zeros((64, dim), dtype=np.float32)

    # -- lookup -----------------------------------------------------------------------------
    def resolve(self, cluster_id: int) -> int:
        seen = set()
        while cluster_id in self.redirects and cluster_id not in seen:
            seen.add(cluster_id)
            cluster_id = self.redirects[cluster_id]
        return cluster_id

    def nearest(self, vec: Vector) -> tuple[int | None, float]:
        if not self._ids:
            return None, -1.0
        sims = self._matrix[: len(self._ids)] @ vec
        best = int(np.argmax(sims))
        return self._ids[best], float(sims[best])

    # -- streaming --------------------------------------------------------------------------
    def assign(self, vec: Vector, tokens: Sequence[str] = (), at: float = 0.0) -> Assignment:
        best, sim = self.nearest(vec)
        if best is None or sim < self.threshold:
            cluster = self._new_cluster()
            created = True
            sim = 1.0
        else:
            cluster = self.clusters[best]
            created = False
        self._add(cluster, vec, tokens)
        cluster.last_at = max(cluster.last_at, at)
        return Assignment(cluster.id, sim, created)

    def _new_cluster(self, cluster_id: int | None = None) -> Cluster:
        cid = cluster_id if cluster_id is not None else self._next_id
        self._next_id = max(self._next_id, cid + 1)
        cluster = Cluster(id=cid, total=np.zeros(self.dim, dtype=np.float32))
        self.clusters[cid] = cluster
        if len(self._ids) == self._matrix.shape[0]:
            grown = np.zeros((2 * self._matrix.shape[0], self.dim), dtype=np.float32)
            grown[: len(self._ids)] = self._matrix[: len(self._ids)]
            self._matrix = grown
        self._row[cid] = len(self._ids)
        self._ids.append(cid)
        return cluster

    def _add(self, cluster: Cluster, vec: Vector, tokens: Sequence[str]) -> None:
        cluster.total += vec
        cluster.count += 1
        if tokens:
            cluster.add_terms(tokens)
            if not cluster.label_pinned:
                cluster.label = cluster.auto_label()
        self._refresh_row(cluster.id)

    def _refresh_row(self, cluster_id: int) -> None:
        self._matrix[self._row[cluster_id]] = self.clusters[cluster_id].centroid

    def _drop(self, cluster_id: int) -> None:
        row = self._row.pop(cluster_id)
        last = len(self._ids) - 1
        self._matrix[row] = self._matrix[last]
        moved = self._ids[last]
        self._ids[row] = moved
        self._ids.pop()
        if moved != cluster_id:
            self._row[moved] = row
        del self.clusters[cluster_id]

    def expire(
        self, now: float, *, singleton_ttl: float = 86400.0, idle_ttl: float = 14 * 86400.0
    ) -> int:
        """Move idle clusters out of the search index (they keep their history, kept dormant).

        Singletons go after a day, others after two weeks without a new item; this bounds the
        per-item cost however long the stream runs.
        """
        stale = [
            c.id
            for c in self.clusters.values()
            if now - c.last_at > (singleton_ttl if c.count <= 1 else idle_ttl)
        ]
        for cid in stale:
            self.dormant[cid] = self.clusters[cid]
            self._drop(cid)
        return len(stale)

    # -- agent corrections -------------------------------------------------------------------
    def rename(self, cluster_id: int, label: str) -> None:
        cluster = self.clusters[self.resolve(cluster_id)]
        cluster.label = label
        cluster.label_pinned = True

    def merge(self, source_id: int, target_id: int) -> Cluster:
        """Absorb ``source`` into ``target``; later references to source land in target."""
        source = self.clusters[self.resolve(source_id)]
        target = self.clusters[self.resolve(target_id)]
        if source.id == target.id:
            return target
        target.total += source.total
        target.count += source.count
        for term, weight in source.terms.items():
            target.terms[term] = target.terms.get(term, 0.0) + weight
        target.cannot_link |= source.cannot_link - {target.id}
        if not target.label_pinned:
            target.label = target.auto_label()
        self.redirects[source.id] = target.id
        self._drop(source.id)
        self._refresh_row(target.id)
        return target

    def split(
        self, cluster_id: int, moved: NDArray[np.float32], label: str | None = None
    ) -> Cluster:
        """Move the member vectors ``moved`` out of a cluster into a new one, kept apart."""
        source = self.clusters[self.resolve(cluster_id)]
        new = self._new_cluster()
        new.total = moved.sum(axis=0).astype(np.float32)
        new.count = int(moved.shape[0])
        source.total = source.total - new.total
        source.count = max(0, source.count - new.count)
        source.cannot_link.add(new.id)
        new.cannot_link.add(source.id)
        if label:
            new.label, new.label_pinned = label, True
        self._refresh_row(source.id)
        self._refresh_row(new.id)
        return new

    # -- batch repair -----------------------------------------------------------------------
    def recluster(
        self, vectors: NDArray[np.float32], cluster_ids: Sequence[int], *, cut: float | None = None
    ) -> list[int]:
        """Re-cluster a recent window with average-linkage agglomerative clustering.

        Each agglomerative group goes to the existing cluster most of its items belong to;
        groups that join two clusters merge them unless an agent split them apart.
        Returns the new cluster id of every item.
        """
        current = [self.resolve(c) for c in cluster_ids]
        if len(current) < 3:
            return current
        distance = 1.0 - (self.threshold if cut is None else cut)
        tree = linkage(vectors.astype(np.float64), method="average", metric="cosine")
        groups = fcluster(tree, t=distance, criterion="distance")
        in_window: dict[int, int] = {}
        for c in current:
            in_window[c] = in_window.get(c, 0) + 1
        for g in np.unique(groups):
            members = np.flatnonzero(groups == g)
            owners: dict[int, int] = {}
            for i in members:
                owner = self.resolve(current[i])
                owners[owner] = owners.get(owner, 0) + 1
            ranked = sorted(owners.items(), key=lambda kv: (-kv[1], kv[0]))
            target = ranked[0][0]
            for other, n in ranked[1:]:
                other, target = self.resolve(other), self.resolve(target)
                blocked = other in self.clusters[target].cannot_link
                if other != target and not blocked and 2 * n >= in_window.get(other, 1):
                    self.merge(other, target)
        return [self.resolve(c) for c in current]

    # -- persistence ----------------------------------------------------------------------------
    def load_cluster(
        self,
        cluster_id: int,
        total: Vector,
        count: int,
        *,
        label: str = "",
        label_pinned: bool = False,
        terms: dict[str, float] | None = None,
        cannot_link: Iterable[int] = (),
    ) -> Cluster:
        cluster = self._new_cluster(cluster_id)
        cluster.total = np.asarray(total, dtype=np.float32).copy()
        cluster.count = count
        cluster.label, cluster.label_pinned = label, label_pinned
        cluster.terms = dict(terms or {})
        cluster.cannot_link = set(cannot_link)
        self._refresh_row(cluster_id)
        return cluster

    def snapshot(self, cluster_id: int) -> dict[str, Any]:
        c = self.clusters[self.resolve(cluster_id)]
        return {
            "id": c.id,
            "count": c.count,
            "label": c.label,
            "label_pinned": c.label_pinned,
            "terms": c.terms,
            "cannot_link": sorted(c.cannot_link),
        }


def vector_to_bytes(vec: Vector) -> bytes:
    return np.asarray(vec, dtype=np.float32).tobytes()


def vector_from_bytes(raw: bytes, dim: int) -> Vector:
    arr = np.frombuffer(raw, dtype=np.float32)
    if arr.shape[0] != dim:
        raise ValueError("stored centroid has the wrong dimension")
    return arr.copy()
