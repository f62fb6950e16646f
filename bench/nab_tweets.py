"""Spike detector on NAB realTweets, scored with NAB's standard profile.

Each 5-minute count goes through ``SpikeDetector`` (the same class the product uses per
cluster/service/organisation); a detection is the row where an alarm fires. Prints the raw and
normalised score per file and over the subset (anchors: Windowed Gaussian 51.4, Twitter ADVec
59.6, HTM 68.0, ARTime 81.8), plus the anchors recomputed from NAB's published per-file scores.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core, as measured
os.environ.setdefault("OMP_NUM_THREADS", "1")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from csops.engine.nabscore import normalize, score_file  # noqa: E402
from csops.engine.spikes import SpikeDetector  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab_realtweets"


def epoch(ts: str) -> float:
    return datetime.strptime(ts[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).timestamp()


def detect(values: list[float], stamps: list[str], sensitivity: float) -> list[bool]:
    det = SpikeDetector(
        sensitivity=sensitivity,
        min_count=1,
        dispersion=2.0,
        prior_share=1.0,
        prior_weight=1.0,
        windows_min=(5.0, 15.0, 30.0),
        cooldown_minutes=1440.0,
    )
    out = []
    for ts, v in zip(stamps, values, strict=True):
        t = epoch(ts)
        det.observe_total(t, v)
        out.append(det.observe("all", t, v) is not None if v > 0 else False)
    return out


def published() -> dict[str, float]:
    res = {}
    for path in sorted((DATA / "reference_results").glob("*_standard_scores_realTweets.csv")):
        with path.open() as fh:
            rows = [r for r in csv.DictReader(fh) if r["File"].startswith("realTweets/")]
        res[path.name.split("_standard")[0]] = sum(float(r["Score"]) for r in rows)
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sensitivity", type=float, default=0.5)
    args = ap.parse_args()
    if not DATA.exists():
        print("nab_realtweets absent, skipped")
        return
    windows = json.loads((DATA / "labels" / "combined_windows.json").read_text())
    total_raw, total_windows = 0.0, 0
    for path in sorted((DATA / "data").glob("*.csv")):
        with path.open() as fh:
            rows = list(csv.DictReader(fh))
        stamps = [r["timestamp"] for r in rows]
        values = [float(r["value"]) for r in rows]
        wins = [(a[:19], b[:19]) for a, b in windows[f"realTweets/{path.name}"]]
        hits = detect(values, stamps, args.sensitivity)
        fs = score_file(stamps, hits, wins)
        total_raw += fs.raw
        total_windows += fs.windows
        print(f"{path.stem:<22} raw {fs.raw:6.2f}  TP {fs.tp} FN {fs.fn} FP {fs.fp}")
    print(
        f"csops SpikeDetector: raw {total_raw:.2f} over {total_windows} windows, "
        f"NAB standard (normalised to this subset) {normalize(total_raw, total_windows):.1f}"
    )
    for name, raw in sorted(published().items(), key=lambda kv: -kv[1]):
        print(f"  published {name:<18} {normalize(raw, total_windows):5.1f}")


if __name__ == "__main__":
    main()
