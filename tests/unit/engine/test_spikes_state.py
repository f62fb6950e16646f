"""Per-key arrival memory, key merging, self-calibration and the shared expectation helpers."""

import math

import numpy as np
import pytest

from csops.engine.spikes import (
    KeyState,
    SeasonalBaseline,
    SpikeDetector,
    expected_counts,
    shrunk_share,
    window_scores,
)

T0 = 1_767_571_200.0  # a Monday 00:00 UTC


def test_window_counts_survive_pruning_of_old_arrivals() -> None:
    st = KeyState(born=T0, total_at_birth=0.0)
    for i in range(200):  # one arrival a minute, sizes 1 and 2 alternating
        st.add(T0 + 60 * i, 1.0 + i % 2, horizon=T0 + 60 * i - 600)
    assert len(st.times) < 200  # old arrivals were dropped
    now = T0 + 60 * 199
    counts = st.counts_since(np.array([now - 300, now - 600]))
    # (now-300, now]: arrivals 195..199 -> sizes 2,1,2,1,2; (now-600, now]: 190..199
    assert counts.tolist() == [8.0, 15.0]
    times, sizes = st.arrivals_since(now - 300)
    assert times.tolist() == [T0 + 60 * i for i in range(195, 200)]
    assert sizes.tolist() == [2.0, 1.0, 2.0, 1.0, 2.0]


def test_shrunk_share_moves_from_prior_to_the_observed_share() -> None:
    assert shrunk_share(0.0, 0.0, 0.01, 200.0) == pytest.approx(0.01)
    assert shrunk_share(500.0, 10_000.0, 0.01, 200.0) == pytest.approx(502 / 10_200)


def test_young_key_is_judged_on_its_lifetime_not_the_whole_window() -> None:
    base = SeasonalBaseline(mean=1.0, hours_seen=24)
    windows = np.array([300.0, 4800.0])
    old = expected_counts(base, 0.5, T0, windows, age_s=10 * 3600)
    young = expected_counts(base, 0.5, T0, windows, age_s=600)
    assert old.tolist() == pytest.approx([2.5, 40.0])
    assert young.tolist() == pytest.approx([2.5, 10.0])  # 80 min window -> a quarter: 20 min


def test_window_scores_ignore_windows_below_min_count() -> None:
    scores = window_scores(np.array([4.0, 9.0]), np.array([0.1, 0.1]), 8.0, 5)
    assert scores[0] == 0.0 and scores[1] > 10


def _quiet(det: SpikeDetector, keys: list[str], hours: int) -> float:
    rng = np.random.default_rng(0)
    t = T0
    while t < T0 + hours * 3600:
        t += float(rng.exponential(60.0))
        det.observe_total(t)
        det.observe(keys[int(rng.integers(len(keys)))], t)
    return t


def test_merged_keys_count_their_bursts_together() -> None:
    det = SpikeDetector()
    keys = [f"k{i}" for i in range(20)]
    t = _quiet(det, keys, 24)
    for i in range(4):  # 4 + 4 arrivals: below min_count on each key alone
        det.observe_total(t + 10 + i)
        assert det.observe("a", t + 10 + i) is None
        det.observe_total(t + 20 + i)
        assert det.observe("b", t + 20 + i) is None
    det.merge_key("a", "b")
    assert "a" not in det.keys
    det.observe_total(t + 30)
    spike = det.observe("b", t + 30)
    assert spike is not None and spike.observed == 9


def test_calibration_asks_a_routinely_noisy_key_for_more() -> None:
    fired = {}
    for quantile in (None, 0.99):
        det = SpikeDetector(
            base_score=2.0, min_count=1, dispersion=50.0, prior_share=1.0, prior_weight=1.0,
            windows_min=(5.0,), cooldown_minutes=0.0, calibration_quantile=quantile,
        )  # fmt: skip
        rng = np.random.default_rng(5)
        hits = 0
        for i in range(3 * 288):  # 3 days of 5-minute counts, far more variable than NB(50)
            t = T0 + 300 * i
            v = float(rng.choice([2, 30]))
            det.observe_total(t, v)
            hits += det.observe("all", t, v) is not None
        t = T0 + 300 * 3 * 288
        det.observe_total(t, 400.0)
        fired[quantile] = (hits, det.observe("all", t, 400.0) is not None)
    assert fired[None][0] > 50  # uncalibrated: the noise itself keeps firing
    assert fired[0.99][0] < fired[None][0] / 3
    assert fired[0.99][1]  # a burst beyond anything seen still fires


def test_seasonal_baseline_state_round_trip() -> None:
    base = SeasonalBaseline()
    for minute in range(0, 3 * 60, 2):
        base.observe(T0 + minute * 60)
    again = SeasonalBaseline.from_state(base.state())
    assert again.rate(T0 + 3 * 3600) == base.rate(T0 + 3 * 3600)
    assert not math.isnan(again.expected(T0, T0 + 600))
