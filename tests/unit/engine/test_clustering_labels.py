import numpy as np

from csops.engine.clustering import LABEL_CHARS, StreamingClusterer, short_label


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_sample_is_the_member_nearest_the_centroid() -> None:
    cl = StreamingClusterer(2, threshold=0.1)
    cid = cl.assign(unit(1, 0.6), ["card"], text="edge one").cluster_id
    cl.assign(unit(1, -0.6), ["card"], text="edge two")
    cl.assign(unit(1, 0.02), ["card"], text="Card payments fail")
    cl.assign(unit(1, 0.4), ["card"], text="off centre")
    cluster = cl.clusters[cid]
    assert cluster.count == 4 and cluster.sample == "Card payments fail"
    assert cluster.label == "Card payments fail"


def test_label_falls_back_to_top_terms_without_text() -> None:
    cl = StreamingClusterer(2, threshold=0.5)
    cid = cl.assign(unit(1, 0), ["card", "declined"]).cluster_id
    cl.assign(unit(1, 0.1), ["card"])
    assert cl.clusters[cid].sample == ""
    assert cl.clusters[cid].label == "card / declined"


def test_pinned_label_wins_over_the_sample() -> None:
    cl = StreamingClusterer(2, threshold=0.5)
    cid = cl.assign(unit(1, 0), ["card"], text="my card").cluster_id
    cl.rename(cid, "Card outage")
    cl.assign(unit(1, 0.01), ["card"], text="card again")
    assert cl.clusters[cid].label == "Card outage"


def test_short_label_takes_the_first_line_and_cuts_at_a_word() -> None:
    assert short_label("\n  Payment failed  \nsecond line") == "Payment failed"
    long = "word " * 40
    label = short_label(long)
    assert len(label) <= LABEL_CHARS and label.endswith("\u2026")
    assert label[:-1].split() == ["word"] * len(label[:-1].split())
    assert short_label("x" * 200).startswith("x" * 70) and len(short_label("x" * 200)) == 80


def test_snapshot_and_load_cluster_carry_the_sample() -> None:
    cl = StreamingClusterer(2, threshold=0.5)
    cid = cl.assign(unit(1, 0), ["card"], text="Card declined at shop").cluster_id
    snap = cl.snapshot(cid)
    assert snap["sample"] == "Card declined at shop"
    other = StreamingClusterer(2, threshold=0.5)
    total = unit(1, 0.5) + unit(1, -0.5) + unit(1, 0)
    loaded = other.load_cluster(cid, total, 3, sample=snap["sample"])
    assert loaded.sample == "Card declined at shop" and loaded.sample_vector is None
    # Without the sample's vector, a text must beat the members' mean similarity (~0.9).
    other.assign(unit(1, 0.9), ["card"], text="worse text")
    assert other.clusters[cid].sample == "Card declined at shop"
    other.assign(unit(1, 0.02), ["card"], text="better text")
    assert other.clusters[cid].sample == "better text"


def test_merge_keeps_the_sample_nearer_the_merged_centroid() -> None:
    cl = StreamingClusterer(2, threshold=0.99)
    big = cl.assign(unit(1, 0), text="big sample").cluster_id
    for _ in range(5):
        cl.assign(unit(1, 0))
    small = cl.assign(unit(0.2, 1), text="small sample").cluster_id
    assert big != small
    cl.merge(big, small)  # the big one is absorbed, yet its sample is the better one
    assert cl.clusters[small].sample == "big sample"
    assert cl.snapshot(big)["sample"] == "big sample"
