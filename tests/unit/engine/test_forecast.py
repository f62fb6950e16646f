"""The forecast engine: seasonal-naive baseline, ETS with intervals, error measures,
rolling-origin backtests and the staffing formula."""

from __future__ import annotations

import math
import random

import pytest

from csops.engine import forecast

WEEK = [100.0, 90, 85, 80, 75, 30, 20]


def weekly_series(weeks: int, noise: float = 0.0, seed: int = 1) -> list[float]:
    rng = random.Random(seed)
    return [v + rng.gauss(0, noise) for _ in range(weeks) for v in WEEK]


def test_seasonal_naive_repeats_last_week_with_widening_intervals() -> None:
    history = weekly_series(4, noise=3)
    fc = forecast.seasonal_naive(history, 14)
    assert fc.mean[:7] == pytest.approx(history[-7:])
    assert fc.mean[7:] == fc.mean[:7]
    width_week1 = fc.upper[0] - fc.lower[0]
    width_week2 = fc.upper[7] - fc.lower[7]
    assert width_week2 == pytest.approx(width_week1 * math.sqrt(2))


def test_short_history_falls_back_to_the_baseline() -> None:
    assert forecast.forecast(weekly_series(2), 7).method == "seasonal_naive"
    assert forecast.forecast([], 7).mean == [0.0] * 7


def test_ets_learns_the_weekly_pattern_and_brackets_it() -> None:
    fc = forecast.forecast(weekly_series(12, noise=2), 28, level=0.9)
    assert fc.method == "ets"
    assert len(fc.mean) == len(fc.lower) == len(fc.upper) == 28
    for day, (mean, lo, hi) in enumerate(zip(fc.mean, fc.lower, fc.upper, strict=True)):
        assert lo <= mean <= hi
        assert mean == pytest.approx(WEEK[day % 7], abs=8)
    assert all(v >= 0 for v in fc.lower)


def test_error_measures_by_hand() -> None:
    assert forecast.mape([100, 50, 0], [110, 40, 5]) == pytest.approx(15.0)
    assert forecast.smape([100, 0], [100, 0]) == 0.0
    assert forecast.smape([100, 50], [300, 50]) == pytest.approx(50.0)
    assert forecast.mape([0, 0], [1, 2]) is None


def test_rolling_origin_scores_every_fold() -> None:
    series = weekly_series(10, noise=1)
    bt = forecast.rolling_origin(series, horizon=7, holdout=28, method=forecast.seasonal_naive)
    assert bt.folds == 4 and bt.horizon == 7
    assert bt.mape is not None and bt.mape < 5
    with pytest.raises(ValueError):
        forecast.rolling_origin(series[:5], horizon=7, holdout=28, method=forecast.forecast)


def test_agents_needed() -> None:
    # 120 tickets x 12 min = 24 h of work; one agent gives 7 h x 0.8 = 5.6 h.
    assert forecast.agents_needed(
        120, handle_minutes=12, hours_per_agent=7, occupancy=0.8
    ) == pytest.approx(24 / 5.6)
    with pytest.raises(ValueError):
        forecast.agents_needed(1, handle_minutes=10, hours_per_agent=8, occupancy=1.5)
