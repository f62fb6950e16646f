"""NAB window scoring (standard profile), reimplemented from the benchmark's published rules.

Rules (Lavin & Ahmad 2015; NAB v1.1): each labelled window is worth -A_FN unless a detection
falls inside it; the earliest detection in a window scores A_TP * sigma(position) / sigma(-1),
with position -1 at the window's left edge and sigma(x) = 2 / (1 + e^(5x)) - 1; detections
outside windows score A_FP * sigma(distance past the previous window / its width) (a full
-A_FP before the first window or 3+ widths after one). The first min(15 %, 750) rows are a
probation period and never count. Normalised score = 100 * (raw - null) / (perfect - null).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

STANDARD = {"tp": 1.0, "fp": 0.11, "fn": 1.0}


def scaled_sigmoid(position: float) -> float:
    if position >= 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * position)) - 1.0


@dataclass(frozen=True)
class FileScore:
    raw: float
    tp: int
    fp: int
    fn: int
    windows: int


def score_file(
    timestamps: Sequence[str],
    detections: Sequence[bool],
    windows: Sequence[tuple[str, str]],
    profile: dict[str, float] = STANDARD,
) -> FileScore:
    index = {ts: i for i, ts in enumerate(timestamps)}
    spans = sorted((index[a], index[b]) for a, b in windows)
    probation = min(math.floor(0.15 * len(timestamps)), 0.15 * 5000)
    max_tp = scaled_sigmoid(-1.0)
    window_best: dict[int, float] = {}
    fp_total, fp_count = 0.0, 0
    w = 0
    prev: tuple[int, int] | None = None
    for i, hit in enumerate(detections):
        while w < len(spans) and i > spans[w][1]:
            prev = spans[w]
            w += 1
        inside = w < len(spans) and spans[w][0] <= i <= spans[w][1]
        if not hit or i < probation:
            continue
        if inside:
            left, right = spans[w]
            pos = -(right - i + 1) / float(right - left + 1)
            s = scaled_sigmoid(pos) * profile["tp"] / max_tp
            window_best[w] = max(window_best.get(w, -math.inf), s)
        else:
            if prev is None:
                past = 3.0
            else:
                past = abs(prev[1] - i) / float(prev[1] - prev[0])
            fp_total += scaled_sigmoid(past) * profile["fp"]
            fp_count += 1
    counted = [k for k, (_, right) in enumerate(spans) if right >= probation]
    raw = fp_total
    for k in counted:
        raw += window_best.get(k, -profile["fn"])
    tp = len(window_best)
    return FileScore(raw=raw, tp=tp, fp=fp_count, fn=len(counted) - tp, windows=len(counted))


def normalize(raw_total: float, n_windows: int, profile: dict[str, float] = STANDARD) -> float:
    null = -profile["fn"] * n_windows
    perfect = profile["tp"] * n_windows
    return 100.0 * (raw_total - null) / (perfect - null)
