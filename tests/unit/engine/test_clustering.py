import numpy as np

from csops.engine.clustering import StreamingClusterer, vector_from_bytes, vector_to_bytes


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_joins_near_and_opens_new_cluster_for_far() -> None:
    cl = StreamingClusterer(3, threshold=0.8)
    a = cl.assign(unit(1, 0, 0), ["card"])
    b = cl.assign(unit(0.95, 0.05, 0), ["card"])
    c = cl.assign(unit(0, 1, 0), ["pin"])
    assert a.created and not b.created and c.created
    assert a.cluster_id == b.cluster_id != c.cluster_id
    assert cl.clusters[a.cluster_id].count == 2
    assert cl.clusters[a.cluster_id].label == "card"


def test_rename_is_kept_when_new_items_arrive() -> None:
    cl = StreamingClusterer(2, threshold=0.5)
    cid = cl.assign(unit(1, 0), ["card"]).cluster_id
    cl.rename(cid, "Card payments down")
    cl.assign(unit(1, 0.1), ["declined"])
    assert cl.clusters[cid].label == "Card payments down"


def test_merge_redirects_the_absorbed_cluster() -> None:
    cl = StreamingClusterer(2, threshold=0.99)
    a = cl.assign(unit(1, 0)).cluster_id
    b = cl.assign(unit(0, 1)).cluster_id
    cl.merge(b, a)
    assert cl.resolve(b) == a and b not in cl.clusters
    assert cl.clusters[a].count == 2


def test_split_clusters_are_not_rejoined_by_recluster() -> None:
    cl = StreamingClusterer(2, threshold=0.5)
    vecs = np.vstack([unit(1, 0.05 * i) for i in range(6)])
    ids = [cl.assign(v).cluster_id for v in vecs]
    assert len(set(ids)) == 1
    new = cl.split(ids[0], vecs[3:])
    ids = ids[:3] + [new.id] * 3
    out = cl.recluster(vecs, ids)
    assert out[:3] == [ids[0]] * 3 and out[3:] == [new.id] * 3


def test_recluster_merges_fragments() -> None:
    cl = StreamingClusterer(2, threshold=0.999)
    vecs = np.vstack([unit(1, 0.08 * i) for i in range(4)] + [unit(0, 1)])
    ids = [cl.assign(v).cluster_id for v in vecs]
    assert len(set(ids)) == 5
    out = cl.recluster(vecs, ids, cut=0.9)
    assert len(set(out[:4])) == 1 and out[4] != out[0]


def test_vector_bytes_round_trip_and_dimension_check() -> None:
    v = unit(1, 2, 3)
    assert np.allclose(vector_from_bytes(vector_to_bytes(v), 3), v)
    try:
        vector_from_bytes(vector_to_bytes(v), 4)
    except ValueError:
        return
    raise AssertionError("expected ValueError")
