"""Arrival-rate spike detection with a seasonal baseline, robust at low counts.

The expected count of a key (a cluster, a service, an organisation) in a window is its long-run
share of all arrivals times the total rate the seasonal baseline expects for that hour of the
week (falling back to hour of day, then the overall mean while history is short). Sharing the
seasonal shape across keys is what keeps small keys usable: a cluster seeing two tickets a day
still gets a night/day-aware expectation. Each arrival tests several trailing windows with a
negative-binomial upper tail (over-dispersed Poisson); the score is -log10 of the smallest
p-value and an alarm fires when it passes ``base_score / sensitivity``. Optionally a key must also
beat a high quantile of its own recent scores (``calibration_quantile``): a key whose scores run
high all the time (a bursty series the negative binomial under-disperses) then needs more.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import betainc

HOUR = 3600.0
WEEK_HOURS = 168
WINDOWS_MIN = (5.0, 10.0, 20.0, 40.0, 80.0)
CALIBRATION_MIN_SCORES = 100
# -log10 p an alarm needs at sensitivity 1: 0.3-0.7 false alarms a week over the cluster and
# service keys of 3,000 tickets a day in bench/outage_replay.py (7 gave none and missed more).
BASE_SCORE = 5.0
# No alarm until the baseline has seen a whole day: before that an hour's expectation falls back
# to the overall mean, which the quiet night hours drag below the daytime rate.
MIN_HISTORY_HOURS = 24
# Negative-binomial size: variance mu + mu^2 / 20, a little over Poisson. 8 asked ~30 % more
# tickets of a small cluster for the same score and lost 5-11 points of recall in the replay
# for no fewer false alarms.
DISPERSION = 20.0


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
    times: list[float] = field(default_factory=list)
    cumulative: list[float] = field(default_factory=list)
    pruned: float = 0.0  # the cumulative count just before ``times[0]``
    alarm_until: float = -math.inf
    scores: deque[tuple[float, float]] = field(default_factory=deque)
    ranked_scores: list[float] = field(default_factory=list)  # ``scores`` sorted, for quantiles

    def add(self, t: float, n: float, horizon: float) -> None:
        """Append an arrival; drop those older than ``horizon`` (amortised, in blocks)."""
        self.times.append(t)
        self.cumulative.append((self.cumulative[-1] if self.cumulative else 0.0) + n)
        if len(self.times) > 64 and self.times[31] <= horizon:
            cut = bisect_right(self.times, horizon)
            self.pruned = self.cumulative[cut - 1]
            del self.times[:cut]
            del self.cumulative[:cut]

    def arrivals_since(self, start: float) -> tuple[np.ndarray, np.ndarray]:
        """Times and sizes of the arrivals after ``start``."""
        i = bisect_right(self.times, start)
        before = self.cumulative[i - 1] if i > 0 else self.pruned
        sizes = np.diff(np.asarray([before, *self.cumulative[i:]], dtype=np.float64))
        return np.asarray(self.times[i:], dtype=np.float64), sizes

    def counts_since(self, starts: np.ndarray) -> np.ndarray:
        """Arrivals (summed ``n``) after each of ``starts``, up to the latest arrival."""
        if not self.times:
            return np.zeros(len(starts))
        total = self.cumulative[-1]
        out = np.empty(len(starts))
        for j, start in enumerate(starts):
            i = bisect_right(self.times, start)
            out[j] = total - (self.cumulative[i - 1] if i > 0 else self.pruned)
        return out


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
        base_score: float = BASE_SCORE,
        min_count: int = 5,
        dispersion: float = DISPERSION,
        half_life_hours: float = 72.0,
        prior_share: float = 0.01,
        prior_weight: float = 200.0,
        cooldown_minutes: float = 120.0,
        windows_min: tuple[float, ...] = WINDOWS_MIN,
        min_history_hours: int = MIN_HISTORY_HOURS,
        calibration_quantile: float | None = None,
        calibration_hours: float = 168.0,
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
        self.calibration_quantile = calibration_quantile
        self.calibration_span = calibration_hours * HOUR
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
        return shrunk_share(count, exposure, self.prior_share, self.prior_weight)

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
        st.add(t, n, t - float(self.windows.max()))
        weight = 0.2 if t < st.alarm_until else 1.0
        st.count = self._decay(st.count, st.last, t) + n * weight
        st.last = t
        return self._test(key, st, share, t)

    def _test(self, key: str, st: KeyState, share: float, t: float) -> Spike | None:
        if self.baseline.hours_seen < self.min_history_hours:
            return None
        observed = st.counts_since(t - self.windows)
        if observed.max() < self.min_count and self.calibration_quantile is None:
            return None
        expected = expected_counts(self.baseline, share, t, self.windows, t - st.born)
        if self.calibration_quantile is None and bool(np.all(observed <= expected)):
            return None  # no excess in any window: the tail is far above any threshold
        scores = window_scores(observed, expected, self.dispersion, self.min_count)
        best = int(np.argmax(scores))
        score = float(scores[best])
        sens = self.sensitivity * self.key_sensitivity.get(key, 1.0)
        beats_history = self._beats_own_history(st, t, score)
        if score < self.base_score / max(sens, 1e-6) or not beats_history:
            return None
        in_alarm = t < st.alarm_until
        st.alarm_until = t + self.cooldown
        if in_alarm:
            return None
        window = float(self.windows[best])
        # The start is scanned over the longest window, not just the decisive one: an outage
        # that crept up for an hour before a short window tipped it began an hour ago.
        times, counts = st.arrivals_since(t - float(self.windows.max()))
        start = scan_start(times, counts, share * self.baseline.rate(t), t, self.dispersion)
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

    def _beats_own_history(self, st: KeyState, t: float, score: float) -> bool:
        """With calibration on: the score must also reach the key's recent score quantile."""
        if self.calibration_quantile is None:
            return True
        history, ranked = st.scores, st.ranked_scores
        while history and history[0][0] <= t - self.calibration_span:
            del ranked[bisect_left(ranked, history.popleft()[1])]
        bar = 0.0
        if len(ranked) >= CALIBRATION_MIN_SCORES:
            bar = ranked[int(self.calibration_quantile * (len(ranked) - 1))]
        history.append((t, score))
        insort(ranked, score)
        return score >= bar

    def merge_key(self, source: str, target: str) -> None:
        """Fold ``source``'s history into ``target`` (clusters merged by an agent or a repair).

        The merged key counts both keys' arrivals, is as old as the older one and stays in
        alarm while either was, exactly as if their tickets had always shared one key.
        """
        src = self.keys.pop(source, None)
        if src is None or source == target:
            return
        dst = self.keys.get(target)
        if dst is None:
            self.keys[target] = src
            return
        last = max(src.last, dst.last)
        older = src if src.born < dst.born else dst
        merged = KeyState(born=older.born, total_at_birth=older.total_at_birth, last=last)
        merged.count = self._decay(src.count, src.last, last) + self._decay(
            dst.count, dst.last, last
        )
        merged.alarm_until = max(src.alarm_until, dst.alarm_until)
        (t1, n1), (t2, n2) = src.arrivals_since(-math.inf), dst.arrivals_since(-math.inf)
        times, sizes = np.concatenate([t1, t2]), np.concatenate([n1, n2])
        order = np.argsort(times, kind="stable")
        merged.times = [float(x) for x in times[order]]
        merged.cumulative = [float(x) for x in np.cumsum(sizes[order])]
        self.keys[target] = merged

    def tune(self, key: str, *, confirmed: bool) -> float:
        """Nudge a key's sensitivity after an agent confirms or dismisses its alarm."""
        current = self.key_sensitivity.get(key, 1.0)
        factor = 1.15 if confirmed else 0.8
        self.key_sensitivity[key] = min(2.0, max(0.4, current * factor))
        return self.key_sensitivity[key]


def shrunk_share(count: float, exposure: float, prior_share: float, prior_weight: float) -> float:
    """A key's share of all arrivals, shrunk towards ``prior_share`` while its history is short."""
    return (count + prior_share * prior_weight) / (max(exposure, 0.0) + prior_weight)


def expected_counts(
    baseline: SeasonalBaseline, share: float, t: float, windows_s: np.ndarray, age_s: float
) -> np.ndarray:
    """Expected arrivals of a key in each trailing window ending at ``t``.

    A key younger than a window is judged on its lifetime (at least a quarter of the window),
    so a brand-new cluster is not credited with a long quiet past it never had.
    """
    age = max(age_s, 60.0)
    spans = np.minimum(windows_s, np.maximum(age, windows_s / 4))
    share = max(share, 1e-9)
    return np.asarray([share * baseline.expected(t - s, t) for s in spans], dtype=np.float64)


def window_scores(
    observed: np.ndarray, expected: np.ndarray, dispersion: float, min_count: int
) -> np.ndarray:
    """-log10 of the negative-binomial upper tail per window (0 where too few arrivals)."""
    observed = np.asarray(observed, dtype=np.float64)
    pvals = nb_tail(observed, np.asarray(expected, dtype=np.float64), dispersion)
    scores: np.ndarray = -np.log10(np.maximum(pvals, 1e-300))
    scores[observed < min_count] = 0.0
    return scores


def sensitivity_from_feedback(confirmed: int, dismissed: int) -> float:
    """Sensitivity multiplier from stored confirmations/dismissals (Beta(2, 2) prior)."""
    precision = (confirmed + 2.0) / (confirmed + dismissed + 4.0)
    return float(min(1.6, max(0.4, 0.4 + 1.2 * precision)))


def burst_test(
    observed: np.ndarray,
    expected: np.ndarray,
    *,
    dispersion: float = DISPERSION,
    base_score: float = BASE_SCORE,
    sensitivity: float = 1.0,
    min_count: int = 5,
) -> tuple[float, int] | None:
    """Score counts in several trailing windows against their expectations.

    Returns (score, index of the decisive window) when the burst passes the threshold.
    """
    observed = np.asarray(observed, dtype=np.float64)
    if observed.size == 0 or observed.max() < min_count:
        return None
    scores = window_scores(observed, expected, dispersion, min_count)
    best = int(np.argmax(scores))
    if scores[best] < base_score / max(sensitivity, 1e-6):
        return None
    return float(scores[best]), best


def scan_start(
    times: np.ndarray,
    counts: np.ndarray,
    rate_per_min: float,
    t: float,
    dispersion: float = DISPERSION,
) -> float:
    """The start time that makes the burst least likely under the baseline (a scan)."""
    order = np.argsort(times)
    times, counts = np.asarray(times)[order], np.asarray(counts, dtype=np.float64)[order]
    from_here = np.cumsum(counts[::-1])[::-1]
    spans = np.maximum(t - times, 60.0)
    pvals = nb_tail(from_here, rate_per_min * spans / 60.0, dispersion)
    return float(times[int(np.argmin(pvals))])
