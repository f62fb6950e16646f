import numpy as np

from csops.engine.spikes import (
    SeasonalBaseline,
    SpikeDetector,
    nb_tail,
    sensitivity_from_feedback,
)

T0 = 1_767_571_200.0  # a Monday 00:00 UTC


def test_nb_tail_is_a_decreasing_probability() -> None:
    p = nb_tail(np.array([0, 2, 5, 20]), np.array([2.0] * 4), 8.0)
    assert p[0] == 1.0 and 1 > p[1] > p[2] > p[3] > 0


def test_baseline_learns_hour_of_day() -> None:
    base = SeasonalBaseline()
    for day in range(3):
        for minute in range(24 * 60):
            hour = minute // 60
            if minute % (2 if 9 <= hour < 17 else 30) == 0:
                base.observe(T0 + day * 86400 + minute * 60)
    noon = base.rate(T0 + 3 * 86400 + 12 * 3600)
    night = base.rate(T0 + 3 * 86400 + 3 * 3600)
    assert noon > 5 * night


def _background(det: SpikeDetector, days: int, keys: list[str]) -> float:
    t = T0
    rng = np.random.default_rng(0)
    while t < T0 + days * 86400:
        t += float(rng.exponential(60.0))
        det.observe_total(t)
        det.observe(keys[int(rng.integers(len(keys)))], t)
    return t


def test_burst_on_one_key_fires_with_start_and_evidence() -> None:
    det = SpikeDetector()
    keys = [f"k{i}" for i in range(10)]
    t = _background(det, 1, keys)
    spike = None
    for i in range(12):
        at = t + 60 + i * 30
        det.observe_total(at)
        spike = spike or det.observe("k3", at)
    assert spike is not None and spike.key == "k3"
    assert spike.start >= t and spike.observed >= 5 and spike.expected < 2
    assert spike.evidence["observed"]


def test_background_alone_does_not_fire() -> None:
    det = SpikeDetector()
    fired = []
    t = T0
    rng = np.random.default_rng(1)
    while t < T0 + 86400:
        t += float(rng.exponential(60.0))
        det.observe_total(t)
        if det.observe(f"k{int(rng.integers(10))}", t) is not None:
            fired.append(t)
    assert fired == []


def test_lower_sensitivity_needs_more_evidence() -> None:
    hits = {}
    for sens in (1.0, 0.2):
        det = SpikeDetector(sensitivity=sens)
        t = _background(det, 1, [f"k{i}" for i in range(10)])
        hits[sens] = any(det.observe("k1", t + 60 + i * 30) for i in range(10))
    assert hits[1.0] and not hits[0.2]


def test_feedback_tunes_sensitivity() -> None:
    assert sensitivity_from_feedback(0, 10) < 1.0 < sensitivity_from_feedback(10, 0)
    det = SpikeDetector()
    assert det.tune("service:x", confirmed=False) < 1.0
