"""CX SLO maths, pure: success ratio, 95th percentile duration and error budget burn over
a rolling window, from (time, passed, duration) samples."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Sample:
    at: datetime
    passed: bool
    duration_ms: int


@dataclass(frozen=True)
class SloStatus:
    runs: int
    success: float | None  # ratio 0..1, None without runs
    p95_ms: int | None
    target_success: float
    target_p95_ms: int
    budget_burn: float | None  # 1.0 = exactly the allowed failure rate; >1 = burning too fast
    budget_left: float | None  # share of the window's error budget not yet spent

    @property
    def met(self) -> bool | None:
        if self.success is None or self.p95_ms is None:
            return None
        return self.success >= self.target_success and self.p95_ms <= self.target_p95_ms


def p95(values: Sequence[int]) -> int | None:
    """Nearest-rank percentile (no interpolation: a value that was actually observed)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(0.95 * len(ordered)))
    return ordered[rank - 1]


def evaluate(
    samples: Sequence[Sample],
    *,
    now: datetime,
    window: timedelta,
    target_success: float,
    target_p95_ms: int,
) -> SloStatus:
    recent = [s for s in samples if now - window <= s.at <= now]
    if not recent:
        return SloStatus(0, None, None, target_success, target_p95_ms, None, None)
    good = sum(s.passed for s in recent)
    success = good / len(recent)
    allowed = 1 - target_success
    failure = 1 - success
    if allowed <= 0:
        burn = 999.0 if failure > 0 else 0.0
        left = 0.0 if failure > 0 else 1.0
    else:
        burn = failure / allowed
        left = max(0.0, 1 - burn)
    return SloStatus(
        len(recent),
        success,
        p95([s.duration_ms for s in recent if s.passed] or [s.duration_ms for s in recent]),
        target_success,
        target_p95_ms,
        burn,
        left,
    )
