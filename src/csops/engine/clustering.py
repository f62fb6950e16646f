"""Streaming problem clustering with agent corrections and batch repair.

Each item joins the most similar cluster when the cosine similarity to its centroid reaches
``threshold``; otherwise it starts a new cluster, so the number of clusters is never given.
Agents' corrections are kept: a renamed cluster keeps its name, merged clusters stay merged
(the absorbed id redirects), and split clusters are never joined again by the batch repair.

Repairs only merge whole clusters, from their sums and counts: ``recluster`` over the recent
window (hourly) and ``consolidate`` over all active clusters (daily), with the settings in
``TUNED`` per representation. Each cluster keeps a representative text (``sample``), the
member nearest its centroid, which becomes its label unless an agent named it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.cluster.hierarchy import fcluster, linkage

Vector = NDArray[np.float32]
LABEL_CHARS = 80


@dataclass(frozen=True)
class Tuning:
    """Settings tuned on BANKING77 for one representation (see bench/cluster_quality.py).

    ``threshold``: cosine similarity to join a cluster while streaming. ``window_cut``: Ward
    distance cut of the frequent repair over the recent window (``recluster(method="ward")``).
    ``linkage`` and ``consolidate_cut``: the daily :meth:`StreamingClusterer.consolidate`.
    """

    threshold: float
    window_cut: float
    linkage: str
    consolidate_cut: float


TUNED = {
    "tfidf": Tuning(threshold=0.30, window_cut=1.0, linkage="average", consolidate_cut=0.15),
    "semantic": Tuning(threshold=0.80, window_cut=0.8, linkage="ward", consolidate_cut=0.043),
}


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
    sample: str = ""
    sample_vector: Vector | None = None

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

    def offer_sample(self, text: str, vec: Vector) -> None:
        """Keep ``text`` as the representative when it is nearer the centroid than the kept one.

        Both are scored against the current centroid. The kept sample's vector lives in memory
        only; when it is unknown (restored from storage) the bar is the members' mean
        similarity to the centroid, ``|total| / count``.
        """
        if not text.strip():
            return
        centroid = self.centroid
        if not self.sample:
            bar = -2.0
        elif self.sample_vector is not None:
            bar = float(centroid @ self.sample_vector)
        else:
            bar = float(np.linalg.norm(self.total)) / max(self.count, 1)
        if float(centroid @ vec) > bar:
            self.sample, self.sample_vector = text, np.asarray(vec, dtype=np.float32)

    def auto_label(self, n: int = 3) -> str:
        if self.sample.strip():
            return short_label(self.sample)
        ranked = sorted(self.terms.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        return " / ".join(t for t, _ in ranked)


def short_label(text: str, limit: int = LABEL_CHARS) -> str:
    """The first non-empty line, cut at a word boundary to ``limit`` characters with an ellipsis."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = " ".join(line.split())
    if len(line) <= limit:
        return line
    head = line[: limit - 1]
    cut = head.rfind(" ")
    if cut > limit // 2:
        head = head[:cut]
    return head.rstrip(" ,.;:-") + "\u2026"


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
    def assign(
        self, vec: Vector, tokens: Sequence[str] = (), at: float = 0.0, *, text: str = ""
    ) -> Assignment:
        best, sim = self.nearest(vec)
        if best is None or sim < self.threshold:
            cluster = self._new_cluster()
            created = True
            sim = 1.0
        else:
            cluster = self.clusters[best]
            created = False
        self._add(cluster, vec, tokens, text)
        cluster.last_at = max(cluster.last_at, at)
        return Assignment(cluster.id, sim, created)

    def _new_cluster(self, cluster_id: int | None = None) -> Cluster:
        cid = cluster_id if cluster_id is not None else self._next_id
        self._next_id = max(self._next_id, cid + 1)
        cluster = Cluster(id=cid, total=np.zeros(self.dim, dtype=np.float32))
        self.clusters[cid] = cluster
        self._append_row(cid)
        return cluster

    def _append_row(self, cluster_id: int) -> None:
        if len(self._ids) == self._matrix.shape[0]:
            grown = np.zeros((2 * self._matrix.shape[0], self.dim), dtype=np.float32)
            grown[: len(self._ids)] = self._matrix[: len(self._ids)]
            self._matrix = grown
        self._row[cluster_id] = len(self._ids)
        self._ids.append(cluster_id)

    def _add(self, cluster: Cluster, vec: Vector, tokens: Sequence[str], text: str = "") -> None:
        cluster.total += vec
        cluster.count += 1
        if tokens:
            cluster.add_terms(tokens)
        if text:
            cluster.offer_sample(text, vec)
        if (tokens or text) and not cluster.label_pinned:
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

    def rekey(self, old_id: int, new_id: int) -> Cluster:
        """Give a cluster another id (a store's primary key), keeping everything it holds."""
        if new_id == old_id:
            return self.clusters[old_id]
        if new_id in self.clusters:
            raise ValueError(f"cluster {new_id} already exists")
        cluster = self.clusters[old_id]
        self._drop(old_id)
        cluster.id = new_id
        self.clusters[new_id] = cluster
        self._next_id = max(self._next_id, new_id + 1)
        self._append_row(new_id)
        self._refresh_row(new_id)
        return cluster

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
        self._keep_better_sample(target, source)
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

    @staticmethod
    def _keep_better_sample(target: Cluster, source: Cluster) -> None:
        """Before a merge: keep the sample nearer the merged centroid.

        A sample whose vector is unknown is stood in for by its cluster's centroid.
        """
        if not source.sample:
            return
        if not target.sample:
            target.sample, target.sample_vector = source.sample, source.sample_vector
            return
        merged = target.total + source.total

        def score(cluster: Cluster) -> float:
            vec = cluster.sample_vector if cluster.sample_vector is not None else cluster.centroid
            return float(vec @ merged)

        if score(source) > score(target):
            target.sample, target.sample_vector = source.sample, source.sample_vector

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
        self,
        vectors: NDArray[np.float32],
        cluster_ids: Sequence[int],
        *,
        cut: float | None = None,
        method: str = "average",
    ) -> list[int]:
        """Repair a recent window by merging clusters; returns the new cluster id of every item.

        ``method="average"``: average-linkage agglomerative clustering of the window's items
        with a cosine-similarity ``cut`` (default: the join threshold); each group goes to the
        existing cluster most of its items belong to, and a group that holds at least half of
        another cluster's window items merges that cluster in.
        ``method="ward"``: :meth:`ward_merge` over the clusters present in the window, ``cut``
        being a Ward distance (see there). Clusters an agent split apart are never merged.
        """
        current = [self.resolve(c) for c in cluster_ids]
        if len(current) < 3:
            return current
        if method == "ward":
            self.ward_merge(current, TUNED["tfidf"].window_cut if cut is None else cut)
        elif method == "average":
            self._merge_linked_groups(vectors, current, self.threshold if cut is None else cut)
        else:
            raise ValueError(f"unknown repair method {method!r}")
        return [self.resolve(c) for c in current]

    def consolidate(self, tuning: Tuning | None = None) -> int:
        """Merge across all active clusters (run it daily); returns how many merges were made.

        ``tuning.linkage`` "average" merges while two clusters' mean pair similarity reaches
        ``tuning.consolidate_cut``; "ward" merges up to a Ward distance of
        ``consolidate_cut * sqrt(items held by the active clusters)`` (a Ward distance grows
        with the square root of the sizes, so the decision is the same at any volume). Run it
        once a day rather than at every repair: early merges of small clusters cannot be
        undone and cost quality.
        """
        tuning = tuning or TUNED["tfidf"]
        ids = list(self.clusters)
        if tuning.linkage == "average":
            return self.average_merge(ids, tuning.consolidate_cut)
        items = sum(c.count for c in self.clusters.values())
        return self.ward_merge(ids, tuning.consolidate_cut * float(np.sqrt(max(items, 1))))

    def ward_merge(self, candidates: Iterable[int], cut: float) -> int:
        """Agglomerate whole clusters by Ward's criterion until the cheapest merge exceeds ``cut``.

        Works on the clusters' means (sum / count, so a spread-out cluster has a shorter mean)
        and sizes only, so it needs no member vectors: merging ``a`` and ``b`` costs
        ``sqrt(2 n_a n_b / (n_a + n_b)) * |m_a - m_b|`` (scipy's Ward distance). A fragment
        joining a big cluster costs about ``sqrt(2 n_fragment) * |m_a - m_b|`` however big the
        cluster grew, while two big distinct problems get dearer to merge as they grow. Pairs
        an agent split apart are never merged. Returns how many merges were made.
        """
        return self._agglomerate(candidates, _Ward(), cut)

    def average_merge(self, candidates: Iterable[int], cut: float) -> int:
        """Agglomerate whole clusters by average linkage while the best pair's score >= ``cut``.

        The score is the mean cosine over all cross pairs of members, ``(S_a . S_b) / (n_a
        n_b)`` from the sums, so it is exactly item-level average linkage started from the
        current clusters, and it does not depend on the clusters' sizes. Pairs an agent split
        apart are never merged. Returns how many merges were made.
        """
        return self._agglomerate(candidates, _Average(), -cut)

    def _agglomerate(self, candidates: Iterable[int], link: _Linkage, cut: float) -> int:
        """Merge the cheapest pair while its cost is <= ``cut`` (costs from ``link``)."""
        ids = sorted({self.resolve(c) for c in candidates} & self.clusters.keys())
        if len(ids) < 2:
            return 0
        sizes = np.array([max(self.clusters[c].count, 1) for c in ids], dtype=np.float64)
        totals = np.vstack([self.clusters[c].total for c in ids]).astype(np.float64)
        link.start(totals, sizes)
        blocked = self._blocked_pairs(ids)
        cost = link.matrix()
        cost[blocked] = np.inf
        np.fill_diagonal(cost, np.inf)
        alive = np.ones(len(ids), dtype=bool)
        # Each row's cheapest partner, kept up to date, so a merge costs O(k) not O(k^2).
        nearest = cost.argmin(axis=1)
        best = cost[np.arange(len(ids)), nearest]
        merges = 0
        while True:
            a = int(np.argmin(best))
            b = int(nearest[a])
            if not best[a] <= cut:
                break
            if self._absorbs(ids[b], ids[a], sizes[b], sizes[a]):
                a, b = b, a
            self.merge(ids[b], ids[a])
            merges += 1
            link.join(a, b)
            sizes[a] += sizes[b]
            alive[b] = False
            blocked[a] |= blocked[b]
            blocked[:, a] = blocked[a]
            cost[b, :] = cost[:, b] = np.inf
            best[b] = np.inf
            row = link.row(a)
            row[~alive | blocked[a]] = np.inf
            row[a] = np.inf
            cost[a, :] = cost[:, a] = row
            nearest[a], best[a] = int(np.argmin(row)), float(row.min())
            stale = np.flatnonzero(alive & ((nearest == a) | (nearest == b)))
            stale = stale[stale != a]
            if stale.size:
                nearest[stale] = cost[stale].argmin(axis=1)
                best[stale] = cost[stale, nearest[stale]]
            cheaper = row < best
            nearest[cheaper], best[cheaper] = a, row[cheaper]
        return merges

    def _absorbs(self, first: int, second: int, first_size: float, second_size: float) -> bool:
        """Whether ``first`` should absorb ``second``: an agent's name wins, then size."""
        pinned = self.clusters[first].label_pinned, self.clusters[second].label_pinned
        if pinned[0] != pinned[1]:
            return pinned[0]
        return first_size > second_size

    def _blocked_pairs(self, ids: list[int]) -> NDArray[np.bool_]:
        """Which pairs of ``ids`` an agent split apart (cannot-link)."""
        pos = {c: i for i, c in enumerate(ids)}
        blocked = np.zeros((len(ids), len(ids)), dtype=bool)
        for c in ids:
            for other in self.clusters[c].cannot_link:
                j = pos.get(self.resolve(other))
                if j is not None:
                    blocked[pos[c], j] = blocked[j, pos[c]] = True
        return blocked

    def _merge_linked_groups(
        self, vectors: NDArray[np.float32], current: list[int], cut: float
    ) -> None:
        tree = linkage(vectors.astype(np.float64), method="average", metric="cosine")
        groups = fcluster(tree, t=1.0 - cut, criterion="distance")
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
                    if self._absorbs(other, target, 0.0, 1.0):  # only an agent's name swaps
                        other, target = target, other
                    self.merge(other, target)

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
        sample: str = "",
        sample_vector: Vector | None = None,
    ) -> Cluster:
        cluster = self._new_cluster(cluster_id)
        cluster.total = np.asarray(total, dtype=np.float32).copy()
        cluster.count = count
        cluster.label, cluster.label_pinned = label, label_pinned
        cluster.terms = dict(terms or {})
        cluster.cannot_link = set(cannot_link)
        cluster.sample = sample
        if sample_vector is not None:
            cluster.sample_vector = np.asarray(sample_vector, dtype=np.float32).copy()
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
            "sample": c.sample,
        }


class _Linkage:
    """Merge costs between whole clusters, from their sums and sizes (lower merges first)."""

    totals: NDArray[np.float64]
    sizes: NDArray[np.float64]

    def start(self, totals: NDArray[np.float64], sizes: NDArray[np.float64]) -> None:
        self.totals, self.sizes = totals, sizes.copy()

    def join(self, a: int, b: int) -> None:
        self.totals[a] += self.totals[b]
        self.sizes[a] += self.sizes[b]

    def matrix(self) -> NDArray[np.float64]:
        raise NotImplementedError

    def row(self, a: int) -> NDArray[np.float64]:
        raise NotImplementedError


class _Average(_Linkage):
    """Minus the mean cross-pair cosine: ``-(S_a . S_b) / (n_a n_b)``."""

    def matrix(self) -> NDArray[np.float64]:
        out: NDArray[np.float64] = -(self.totals @ self.totals.T) / np.outer(self.sizes, self.sizes)
        return out

    def row(self, a: int) -> NDArray[np.float64]:
        out: NDArray[np.float64] = -(self.totals @ self.totals[a]) / (self.sizes * self.sizes[a])
        return out


class _Ward(_Linkage):
    """scipy's Ward distance ``sqrt(2 n_a n_b / (n_a + n_b)) * |m_a - m_b|`` over the means."""

    def start(self, totals: NDArray[np.float64], sizes: NDArray[np.float64]) -> None:
        super().start(totals, sizes)
        self.means = totals / sizes[:, None]
        self.squares = (self.means * self.means).sum(axis=1)

    def join(self, a: int, b: int) -> None:
        super().join(a, b)
        self.means[a] = self.totals[a] / self.sizes[a]
        self.squares[a] = float(self.means[a] @ self.means[a])

    def matrix(self) -> NDArray[np.float64]:
        gap = self.squares[:, None] + self.squares[None, :] - 2.0 * self.means @ self.means.T
        weight = 2.0 * np.outer(self.sizes, self.sizes) / (self.sizes[:, None] + self.sizes)
        out: NDArray[np.float64] = np.sqrt(np.maximum(gap, 0.0) * weight)
        return out

    def row(self, a: int) -> NDArray[np.float64]:
        gap = np.maximum(self.squares[a] + self.squares - 2.0 * (self.means @ self.means[a]), 0.0)
        weight = 2.0 * self.sizes[a] * self.sizes / (self.sizes[a] + self.sizes)
        out: NDArray[np.float64] = np.sqrt(gap * weight)
        return out


def vector_to_bytes(vec: Vector) -> bytes:
    return np.asarray(vec, dtype=np.float32).tobytes()


def vector_from_bytes(raw: bytes, dim: int) -> Vector:
    arr = np.frombuffer(raw, dtype=np.float32)
    if arr.shape[0] != dim:
        raise ValueError("stored centroid has the wrong dimension")
    return arr.copy()
