import numpy as np
import pytest

from csops.engine.clustering import StreamingClusterer, Tuning


def around(centre: tuple[float, ...], n: int, spread: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    c = np.array(centre, dtype=np.float64)
    pts = c + spread * rng.standard_normal((n, c.size))
    out: np.ndarray = (pts / np.linalg.norm(pts, axis=1, keepdims=True)).astype(np.float32)
    return out


def fragments(cl: StreamingClusterer, pts: np.ndarray, size: int) -> list[int]:
    """Load ``pts`` as new clusters of ``size`` members each; returns one id per point."""
    ids: list[int] = []
    for start in range(0, len(pts), size):
        chunk = pts[start : start + size]
        cluster = cl.load_cluster(len(cl.clusters) + 1, chunk.sum(axis=0), len(chunk))
        ids.extend([cluster.id] * len(chunk))
    return ids


def test_ward_merge_joins_fragments_of_one_problem_but_not_two_problems() -> None:
    cl = StreamingClusterer(4, threshold=0.9)
    a = around((1, 0, 0, 0), 12, 0.15, seed=1)
    b = around((0, 1, 0, 0), 12, 0.15, seed=2)
    ids_a, ids_b = fragments(cl, a, 3), fragments(cl, b, 3)
    assert len(set(ids_a + ids_b)) == 8
    merged = cl.ward_merge(ids_a + ids_b, cut=1.3)
    out_a = {cl.resolve(c) for c in ids_a}
    out_b = {cl.resolve(c) for c in ids_b}
    assert merged == 6 and len(out_a) == 1 and len(out_b) == 1 and out_a != out_b
    assert cl.clusters[out_a.pop()].count == 12


def test_ward_merge_with_a_tiny_cut_merges_nothing() -> None:
    cl = StreamingClusterer(4, threshold=0.9)
    ids = fragments(cl, around((1, 0, 0, 0), 9, 0.15, seed=3), 3)
    assert cl.ward_merge(ids, cut=0.01) == 0 and len(cl.clusters) == 3


def test_ward_merge_respects_an_agent_split() -> None:
    cl = StreamingClusterer(4, threshold=0.9)
    pts = around((1, 0, 0, 0), 8, 0.1, seed=4)
    ids = fragments(cl, pts, 4)
    first, second = ids[0], ids[-1]
    cl.clusters[first].cannot_link.add(second)
    cl.clusters[second].cannot_link.add(first)
    assert cl.ward_merge(ids, cut=5.0) == 0


def test_recluster_ward_runs_on_the_window_clusters_and_returns_new_ids() -> None:
    cl = StreamingClusterer(4, threshold=0.999)
    pts = np.vstack([around((1, 0, 0, 0), 6, 0.1, seed=5), around((0, 0, 1, 0), 6, 0.1, seed=6)])
    ids = [cl.assign(v).cluster_id for v in pts]
    assert len(set(ids)) > 2
    out = cl.recluster(pts, ids, cut=1.3, method="ward")
    assert len(set(out[:6])) == 1 and len(set(out[6:])) == 1 and out[0] != out[6]
    assert out == [cl.resolve(c) for c in ids]


def test_recluster_rejects_an_unknown_method() -> None:
    cl = StreamingClusterer(2, threshold=0.5)
    vecs = np.eye(2, dtype=np.float32)[[0, 0, 1]]
    ids = [cl.assign(v).cluster_id for v in vecs]
    with pytest.raises(ValueError):
        cl.recluster(vecs, ids, method="bogus")


def two_fragments(count: int) -> StreamingClusterer:
    """Two clusters of ``count`` items each, means (0.9, 0.3, 0, 0) and (0.9, -0.3, 0, 0)."""
    cl = StreamingClusterer(4, threshold=0.9)
    for cid, mean in ((1, (0.9, 0.3, 0.0, 0.0)), (2, (0.9, -0.3, 0.0, 0.0))):
        cl.load_cluster(cid, np.array(mean, dtype=np.float32) * count, count)
    return cl


def ward(per_sqrt_item: float) -> Tuning:
    return Tuning(threshold=0.9, window_cut=1.0, linkage="ward", consolidate_cut=per_sqrt_item)


def test_consolidate_ward_decides_the_same_at_any_volume() -> None:
    # Ward distance sqrt(n) * 0.6 and the cut p * sqrt(2n): merged iff p >= 0.6 / sqrt 2.
    edge = 0.6 / np.sqrt(2.0)
    for count in (8, 800):
        assert two_fragments(count).consolidate(ward(edge * 1.02)) == 1
        assert two_fragments(count).consolidate(ward(edge * 0.98)) == 0
    fixed = np.sqrt(8) * 0.6 * 1.02  # a fixed Ward cut merges the small pair only
    assert two_fragments(8).ward_merge([1, 2], fixed) == 1
    assert two_fragments(800).ward_merge([1, 2], fixed) == 0


def test_average_merge_scores_the_mean_pair_similarity() -> None:
    # Mean cross-pair cosine of the two fragments: 0.9 * 0.9 - 0.3 * 0.3 = 0.72 (any size).
    for count in (3, 300):
        assert two_fragments(count).average_merge([1, 2], 0.71) == 1
        assert two_fragments(count).average_merge([1, 2], 0.73) == 0
    avg = Tuning(threshold=0.3, window_cut=1.0, linkage="average", consolidate_cut=0.71)
    assert two_fragments(5).consolidate(avg) == 1


def test_average_merge_joins_the_closest_pair_first() -> None:
    cl = StreamingClusterer(3, threshold=0.99)
    for cid, vec in ((1, (1.0, 0.0, 0.0)), (2, (0.95, 0.31, 0.0)), (3, (0.0, 0.0, 1.0))):
        cl.load_cluster(cid, np.array(vec, dtype=np.float32), 1)
    assert cl.average_merge([1, 2, 3], 0.5) == 1
    assert cl.resolve(1) == cl.resolve(2) != cl.resolve(3)


def test_consolidate_keeps_cannot_link_pairs_apart() -> None:
    cl = two_fragments(8)
    cl.clusters[1].cannot_link.add(2)
    assert cl.consolidate(ward(100.0)) == 0
    assert cl.average_merge([1, 2], -1.0) == 0


def test_automatic_merges_keep_an_agents_name() -> None:
    for linkage, cut in (("ward", 100.0), ("average", -1.0)):
        cl = two_fragments(8)
        cl.load_cluster(3, np.array((0.9, 0.0, 0.0, 0.0), dtype=np.float32), 1)
        cl.rename(3, "Payments outage")
        tuning = Tuning(threshold=0.9, window_cut=1.0, linkage=linkage, consolidate_cut=cut)
        assert cl.consolidate(tuning) == 2
        assert list(cl.clusters) == [3] and cl.clusters[3].label == "Payments outage"
        assert cl.clusters[3].count == 17


def test_window_repair_keeps_an_agents_name_too() -> None:
    cl = StreamingClusterer(2, threshold=0.999)
    angles = (0.0, 0.01, 0.02, 0.1)  # three join one cluster, the last opens its own
    vecs = np.array([[np.cos(t), np.sin(t)] for t in angles], dtype=np.float32)
    ids = [cl.assign(v).cluster_id for v in vecs]
    assert len(set(ids[:3])) == 1 and ids[3] != ids[0]
    cl.rename(ids[3], "Login failures")
    out = cl.recluster(vecs, ids, cut=0.9, method="average")
    assert set(out) == {ids[3]} and cl.clusters[ids[3]].label == "Login failures"
    assert cl.clusters[ids[3]].count == 4
