"""Cluster quality of the streaming problem clustering on BANKING77 and StackOverflow20.

Items arrive one by one in a shuffled order and go through the product's path: the encoder
(learning its IDF as it goes) and ``StreamingClusterer.assign``; the number of clusters is never
given. With ``--repair`` the periodic batch re-clustering of the recent window runs too.
Prints NMI / ARI / ACC (Hungarian, 1:1) in percent and the number of clusters found.

    .venv/bin/python bench/cluster_quality.py            # default representation
    /work/venv-semantic/bin/python bench/cluster_quality.py --semantic   # needs csops[semantic]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core, as measured
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from csops.engine.clustering import StreamingClusterer  # noqa: E402
from csops.engine.text import make_encoder, semantic_available, tokenize  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
THRESHOLDS = {"tfidf": 0.30, "semantic": 0.65}


def load(name: str) -> tuple[list[str], list[str]] | None:
    if name == "banking77":
        path = DATA / "banking77" / "test.csv"
        if not path.exists():
            return None
        with path.open(newline="") as fh:
            rows = list(csv.DictReader(fh))
        return [r["text"] for r in rows], [r["category"] for r in rows]
    path = DATA / "stackoverflow20" / "test.tsv"
    if not path.exists():
        return None
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def hungarian_acc(truth: list[str], pred: list[int]) -> float:
    t_ids = {v: i for i, v in enumerate(sorted(set(truth)))}
    p_ids = {v: i for i, v in enumerate(sorted(set(pred)))}
    m = np.zeros((len(p_ids), len(t_ids)), dtype=np.int64)
    for t, p in zip(truth, pred, strict=True):
        m[p_ids[p], t_ids[t]] += 1
    rows, cols = linear_sum_assignment(-m)
    return float(m[rows, cols].sum()) / len(truth)


def run_once(
    texts: list[str], kind: str, threshold: float, repair: bool, seed: int
) -> tuple[list[int], list[int], float]:
    order = np.random.default_rng(seed).permutation(len(texts))
    encoder = make_encoder(kind)
    clusterer = StreamingClusterer(encoder.dim, threshold=threshold)
    labels: list[int] = []
    vectors: list[np.ndarray] = []
    start = time.perf_counter()
    window = 1000
    for n, idx in enumerate(order, 1):
        text = texts[idx]
        vec = encoder.encode_many([text])[0] if kind == "tfidf" else cache[kind][idx]
        labels.append(clusterer.assign(vec, tokenize(text)).cluster_id)
        vectors.append(vec)
        if repair and n % 500 == 0:
            lo = max(0, n - window)
            labels[lo:n] = clusterer.recluster(np.vstack(vectors[lo:n]), labels[lo:n])
    elapsed = time.perf_counter() - start
    final = [clusterer.resolve(c) for c in labels]
    return list(order), final, elapsed / len(texts) * 1000


cache: dict[str, np.ndarray] = {}


def evaluate(name: str, kind: str, threshold: float, repair: bool, runs: int) -> None:
    data = load(name)
    if data is None:
        print(f"{name}: data absent, skipped")
        return
    texts, truth = data
    if kind == "semantic":
        cache[kind] = make_encoder("semantic").encode_many(texts)
    scores = []
    for seed in range(runs):
        order, pred, ms = run_once(texts, kind, threshold, repair, seed)
        y = [truth[i] for i in order]
        scores.append(
            (
                100 * normalized_mutual_info_score(y, pred),
                100 * adjusted_rand_score(y, pred),
                100 * hungarian_acc(y, pred),
                len(set(pred)),
                ms,
            )
        )
    cols = list(zip(*scores, strict=True))
    med = [statistics.median(c) for c in cols]
    print(
        f"{name:<15} {kind:<8} repair={'on ' if repair else 'off'} thr={threshold:.2f} "
        f"NMI {med[0]:5.1f}  ARI {med[1]:5.1f}  ACC {med[2]:5.1f}  K {med[3]:.0f} "
        f"(true {len(set(truth))})  {med[4]:.3f} ms/item  "
        f"[median of {runs} orders; NMI range {min(cols[0]):.1f}-{max(cols[0]):.1f}]"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--semantic", action="store_true", help="also the semantic representation")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threshold", type=float, default=None)
    args = ap.parse_args()
    kinds = ["tfidf"]
    if args.semantic or semantic_available():
        if semantic_available():
            kinds.append("semantic")
        else:
            print("semantic: csops[semantic] not installed, skipped")
    else:
        print("semantic: csops[semantic] not installed, skipped")
    for kind in kinds:
        thr = args.threshold if args.threshold is not None else THRESHOLDS[kind]
        for name in ("banking77", "stackoverflow20"):
            for repair in (False, True):
                evaluate(name, kind, thr, repair, args.runs)


if __name__ == "__main__":
    main()
