"""Arrival-rate spike detection with a seasonal baseline, robust at low counts.

The expected count of a key (a cluster, a service, an organisation) in a window is its long-run
share of all arrivals times the total rate the seasonal baseline expects for that hour of the
week (falling back to hour of day, then the overall mean while history is short). Sharing the
seasonal shape across keys is what keeps small keys usable: a cluster seeing two tickets a day
still gets a night/day-aware expectation. Each arrival tests several trailing windows with a
negative-binomial upper tail (over-dispersed Poisson); the score is -log10 of the smallest
p-value and an alarm fires when it passes ``base_score / sensitivity``.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import betainc

HOUR = 3600.0
WEEK_HOURS = 168
WINDOWS_MIN = (5.0, 10.0, 20.0, 40.0, 80.0)


def nb_tail(k: np.ndarray, mu: np.ndarray, dispersion: float) -> np.ndarray:
    """P(X >= k) for a negative binomial with mean ``mu`` and size ``dispersion``."""
    k = np.asarray(k, dtype=np.float64)
    mu = np.maximum(np.asarray(mu, dtype=np.float64), 1e-9)
    out = betainc(np.maximum(k, 1e-12), dispersion, mu / (dispersion + mu))
    return np.where(k <= 0, 1.0, out)


@dataclass
class SeasonalBaseline:
    """Total arrivals per minute by hour of week, learned with exponential smoothing."""

    alpha: float = 0.3
    how: list[float | None] = field(default_factory=lambda: [None] * WEEK_HOURS)
    hod: list[float | None] = field(default_factory=lambda: [None] * 24)
    mean: float | None = None
    hour_start: float | None = None
    hour_count: float = 0.0
    hours_seen: int = 0

    def observe(self, t: float, n: float = 1.0) -> None:
        hour = math.floor(t / HOUR) * HOUR
        if self.hour_start is None:
            self.hour_start = hour
        while hour > self.hour_start:
            self._close_hour()
        self.hour_count += n

    def _close_hour(self) -> None:
        if self.hour_start is None:
            return
        rate = self.hour_count / 60.0
        slot = _how(self.hour_start)
        self.how[slot] = _ewma(self.how[slot], rate, self.alpha)
        self.hod[slot % 24] = _ewma(self.hod[slot % 24], rate, self.alpha)
        self.mean = _ewma(self.mean, rate, 0.05)
        self.hour_start += HOUR
        self.hour_count = 0.0
        self.hours_seen += 1

    def rate(self, t: float) -> float:
        slot = _how(t)
        for value in (self.how[slot], self.hod[slot % 24], self.mean):
            if value is not None:
                return max(value, 1e-3)
        return 1.0

    def expected(self, t0: float, t1: float) -> float:
        minutes = (t1 - t0) / 60.0
        return self.rate((t0 + t1) / 2.0) * minutes

    def state(self) -> dict[str, Any]:
        return {
            "how": self.how,
            "hod": self.hod,
            "mean": self.mean,
            "hour_start": self.hour_start,
            "hour_count": self.hour_count,
            "hours_seen": self.hours_seen,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> SeasonalBaseline:
        base = cls()
        base.how = list(state.get("how") or base.how)
        base.hod = list(state.get("hod") or base.hod)
        base.mean = state.get("mean")
        base.hour_start = state.get("hour_start")
        base.hour_count = float(state.get("hour_count", 0.0))
        base.hours_seen = int(state.get("hours_seen", 0))
        return base


def _how(t: float) -> int:
    # 1970-01-01 was a Thursday: shift so that slot 0 is Monday 00:00 UTC.
    return int((math.floor(t / HOUR) + 72) % WEEK_HOURS)


def _ewma(old: float | None, new: float, alpha: float) -> float:
    return new if old is None else (1 - alpha) * old + alpha * new


@dataclass
class KeyState:
    born: float
    total_at_birth: float
    count: float = 0.0
    last: float = 0.0
    recent: deque[tuple[float, float]] = field(default_factory=deque)
    alarm_until: float = -math.inf


@dataclass(frozen=True)
class Spike:
    key: str
    at: float
    start: float
    score: float
    observed: int
    expected: float
    window_minutes: float
    evidence: dict[str, Any]


class SpikeDetector:
    """Detect bursts of arrivals per key against the seasonal baseline."""

    def __init__(
        self,
        *,
        sensitivity: float = 1.0,
        base_score: float = 7.0,
        min_count: int = 5,
        dispersion: float = 8.0,
        half_life_hours: float = 72.0,
        prior_share: float = 0.01,
        prior_weight: float = 200.0,
        cooldown_minutes: float = 120.0,
        windows_min: tuple[float, ...] = WINDOWS_MIN,
        min_history_hours: int = 12,
    ) -> None:
        self.min_history_hours = min_history_hours
        self.sensitivity = sensitivity
        self.base_score = base_score
        self.min_count = min_count
        self.dispersion = dispersion
        self.tau = half_life_hours * HOUR / math.log(2)
        self.prior_share = prior_share
        self.prior_weight = prior_weight
        self.cooldown = cooldown_minutes * 60.0
        self.windows = np.asarray(windows_min, dtype=np.float64) * 60.0
        self.baseline = SeasonalBaseline()
        self.keys: dict[str, KeyState] = {}
        self.key_sensitivity: dict[str, float] = {}
        self._total = 0.0
        self._total_t = 0.0

    # decayed counters ---------------------------------------------------------------------
    def _decay(self, value: float, since: float, now: float) -> float:
        return value * math.exp(-max(0.0, now - since) / self.tau)

    def _total_at(self, t: float) -> float:
        return self._decay(self._total, self._total_t, t)

    def share(self, key: str, t: float) -> float:
        st = self.keys.get(key)
        if st is None:
            return self.prior_share
        exposure = self._total_at(t) - self._decay(st.total_at_birth, st.born, t)
        count = self._decay(st.count, st.last, t)
        return (count + self.prior_share * self.prior_weight) / (
            max(exposure, 0.0) + self.prior_weight
        )

    # main entry ---------------------------------------------------------------------------
    def observe_total(self, t: float, n: float = 1.0) -> None:
        """Count arrivals in the overall stream (every ticket, whatever its keys)."""
        self.baseline.observe(t, n)
        self._total = self._total_at(t) + n
        self._total_t = max(self._total_t, t)

    def observe(self, key: str, t: float, n: float = 1.0) -> Spike | None:
        """Record ``n`` arrivals of ``key`` at ``t`` (seconds) and test for a spike."""
        st = self.keys.get(key)
        if st is None:
            st = self.keys[key] = KeyState(born=t, total_at_birth=self._total_at(t), last=t)
        share = self.share(key, t)
        st.recent.append((t, n))
        horizon = t - float(self.windows.max())
        while st.recent and st.recent[0][0] <= horizon:
            st.recent.popleft()
        weight = 0.2 if t < st.alarm_until else 1.0
        st.count = self._decay(st.count, st.last, t) + n * weight
        st.last = t
        return self._test(key, st, share, t)

    def _test(self, key: str, st: KeyState, share: float, t: float) -> Spike | None:
        times = np.fromiter((a for a, _ in st.recent), dtype=np.float64)
        counts = np.fromiter((b for _, b in st.recent), dtype=np.float64)
        observed = np.array([counts[times > t - w].sum() for w in self.windows])
        if observed.max() < self.min_count or self.baseline.hours_seen < self.min_history_hours:
            return None
        age = max(t - st.born, 60.0)
        spans = np.minimum(self.windows, np.maximum(age, self.windows / 4))
        expected = np.array([share * self.baseline.expected(t - s, t) for s in spans])
        pvals = nb_tail(observed, expected, self.dispersion)
        scores = -np.log10(np.maximum(pvals, 1e-300))
        scores[observed < self.min_count] = 0.0
        best = int(np.argmax(scores))
        score = float(scores[best])
        sens = self.sensitivity * self.key_sensitivity.get(key, 1.0)
        if score < self.base_score / max(sens, 1e-6):
            return None
        in_alarm = t < st.alarm_until
        st.alarm_until = t + self.cooldown
        if in_alarm:
            return None
        window = float(self.windows[best])
        start = self._start(times[times > t - window], counts[times > t - window], share, t)
        return Spike(
            key=key,
            at=t,
            start=start,
            score=round(score, 2),
            observed=int(observed[best]),
            expected=round(float(expected[best]), 3),
            window_minutes=window / 60.0,
            evidence={
                "windows_minutes": [float(w / 60.0) for w in self.windows],
                "observed": [int(o) for o in observed],
                "expected": [round(float(e), 3) for e in expected],
                "share": share,
            },
        )

    def _start(self, times: np.ndarray, counts: np.ndarray, share: float, t: float) -> float:
        rate = share * self.baseline.rate(t)
        return scan_start(times, counts, rate, t, self.dispersion)

    def tune(self, key: str, *, confirmed: bool) -> float:
        """Nudge a key's sensitivity after an agent confirms or dismisses its alarm."""
        current = self.key_sensitivity.get(key, 1.0)
        factor = 1.15 if confirmed else 0.8
        self.key_sensitivity[key] = min(2.0, max(0.4, current * factor))
        return self.key_sensitivity[key]


def sensitivity_from_feedback(confirmed: int, dismissed: int) -> float:
    """Sensitivity multiplier from stored confirmations/dismissals (Beta(2, 2) prior)."""
    precision = (confirmed + 2.0) / (confirmed + dismissed + 4.0)
    return float(min(1.6, max(0.4, 0.4 + 1.2 * precision)))


@dataclass
class _Alarm:
    centroid: np.ndarray
    until: float


class NeighbourhoodScanner:
    """Burst test on the neighbourhood of each new item, independent of cluster boundaries.

    A problem's reports often land in several fine-grained clusters; counting, for each new
    item, the recent items similar to it (cosine >= ``similarity``) catches the burst anyway.
    The expectation is the share of a uniform reservoir of past items that is similar to the
    new one, times the seasonal total expected in the window.
    """

    def __init__(
        self,
        dim: int,
        baseline: SeasonalBaseline,
        *,
        similarity: float = 0.3,
        sensitivity: float = 1.0,
        base_score: float = 7.0,
        min_count: int = 5,
        dispersion: float = 8.0,
        reservoir: int = 1000,
        capacity: int = 1024,
        cooldown_minutes: float = 120.0,
        windows_min: tuple[float, ...] = WINDOWS_MIN,
        seed: int = 0,
        min_history_hours: int = 12,
    ) -> None:
        self.min_history_hours = min_history_hours
        self.baseline = baseline
        self.similarity = similarity
        self.sensitivity = sensitivity
        self.base_score = base_score
        self.min_count = min_count
        self.dispersion = dispersion
        self.windows = np.asarray(windows_min, dtype=np.float64) * 60.0
        self.cooldown = cooldown_minutes * 60.0
        self._vecs = np.zeros((capacity, dim), dtype=np.float32)
        self._times = np.full(capacity, -np.inf)
        self._ids = np.zeros(capacity, dtype=np.int64)
        self._pos = 0
        self._res = np.zeros((reservoir, dim), dtype=np.float32)
        self._res_n = 0
        self._seen = 0
        self._rng = np.random.default_rng(seed)
        self._alarms: list[_Alarm] = []

    def _remember(self, vec: np.ndarray, t: float, item_id: int) -> None:
        slot = self._pos % len(self._times)
        self._vecs[slot], self._times[slot], self._ids[slot] = vec, t, item_id
        self._pos += 1
        self._seen += 1
        if self._res_n < len(self._res):
            self._res[self._res_n] = vec
            self._res_n += 1
        else:
            j = int(self._rng.integers(self._seen))
            if j < len(self._res):
                self._res[j] = vec

    def observe(self, vec: np.ndarray, t: float, item_id: int = 0) -> Spike | None:
        sims = self._vecs @ vec
        near = (sims >= self.similarity) & (self._times > t - float(self.windows.max()))
        times = self._times[near]
        ids = self._ids[near]
        share_hits = int((self._res[: self._res_n] @ vec >= self.similarity).sum())
        share = (share_hits + 0.5) / (self._res_n + 50.0)
        self._remember(vec, t, item_id)
        observed = np.array([(times > t - w).sum() + 1 for w in self.windows], dtype=np.float64)
        if observed.max() < self.min_count or self.baseline.hours_seen < self.min_history_hours:
            return None
        expected = np.array([share * self.baseline.expected(t - w, t) for w in self.windows])
        scores = -np.log10(np.maximum(nb_tail(observed, expected, self.dispersion), 1e-300))
        best = int(np.argmax(scores))
        if scores[best] < self.base_score / max(self.sensitivity, 1e-6):
            return None
        for alarm in self._alarms:
            if alarm.until > t and float(alarm.centroid @ vec) >= self.similarity:
                alarm.until = t + self.cooldown
                return None
        members = self._vecs[near]
        centroid = members.sum(axis=0) + vec
        centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
        self._alarms = [a for a in self._alarms if a.until > t]
        self._alarms.append(_Alarm(centroid, t + self.cooldown))
        window = float(self.windows[best])
        in_win = times > t - window
        return Spike(
            key="neighbourhood",
            at=t,
            start=float(times[in_win].min()) if in_win.any() else t,
            score=round(float(scores[best]), 2),
            observed=int(observed[best]),
            expected=round(float(expected[best]), 3),
            window_minutes=window / 60.0,
            evidence={
                "members": [int(i) for i in ids[in_win]] + [item_id],
                "observed": [int(o) for o in observed],
                "expected": [round(float(e), 3) for e in expected],
                "share": share,
            },
        )


def burst_test(
    observed: np.ndarray,
    expected: np.ndarray,
    *,
    dispersion: float = 8.0,
    base_score: float = 7.0,
    sensitivity: float = 1.0,
    min_count: int = 5,
) -> tuple[float, int] | None:
    """Score counts in several trailing windows against their expectations.

    Returns (score, index of the decisive window) when the burst passes the threshold.
    """
    observed = np.asarray(observed, dtype=np.float64)
    if observed.size == 0 or observed.max() < min_count:
        return None
    pvals = nb_tail(observed, np.asarray(expected, dtype=np.float64), dispersion)
    scores = -np.log10(np.maximum(pvals, 1e-300))
    scores[observed < min_count] = 0.0
    best = int(np.argmax(scores))
    if scores[best] < base_score / max(sensitivity, 1e-6):
        return None
    return float(scores[best]), best


def scan_start(
    times: np.ndarray, counts: np.ndarray, rate_per_min: float, t: float, dispersion: float = 8.0
) -> float:
    """The start time that makes the burst least likely under the baseline (a scan)."""
    order = np.argsort(times)
    times, counts = np.asarray(times)[order], np.asarray(counts, dtype=np.float64)[order]
    from_here = np.cumsum(counts[::-1])[::-1]
    spans = np.maximum(t - times, 60.0)
    pvals = nb_tail(from_here, rate_per_min * spans / 60.0, dispersion)
    return float(times[int(np.argmin(pvals))])
