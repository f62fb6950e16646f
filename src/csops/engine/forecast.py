"""Daily ticket-volume forecasts with prediction intervals, their error on held-out history,
and the staffing they imply. Pure: lists of floats in, dataclasses out.

The model is an additive ETS (error, damped trend, weekly seasonality) from statsmodels;
its intervals are analytic. A seasonal-naive forecast (same weekday last week) is the
baseline every model must beat, and the fallback for histories shorter than three weeks.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

SEASON = 7
MIN_MODEL_DAYS = 3 * SEASON
FIT_DAYS = 26 * SEASON  # half a year: enough for the weekly pattern, fast to fit


@dataclass(frozen=True)
class Forecast:
    method: str
    mean: list[float]
    lower: list[float]
    upper: list[float]
    level: float


def _z(level: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + level / 2))


def _clip(values: Sequence[float]) -> list[float]:
    return [max(0.0, float(v)) for v in values]


def seasonal_naive(history: Sequence[float], horizon: int, level: float = 0.8) -> Forecast:
    """Each day repeats the same weekday of the last observed week; the interval widens
    with the number of seasons ahead, from the spread of week-over-week changes."""
    y = np.asarray(history, dtype=float)
    if len(y) == 0:
        zeros = [0.0] * horizon
        return Forecast("seasonal_naive", zeros, zeros, zeros, level)
    season = min(SEASON, len(y))
    last = y[-season:]
    mean = [float(last[h % season]) for h in range(horizon)]
    diffs = y[season:] - y[:-season]
    sigma = float(np.std(diffs, ddof=1)) if len(diffs) > 1 else float(np.std(y))
    z = _z(level)
    width = [z * sigma * math.sqrt(h // season + 1) for h in range(horizon)]
    return Forecast(
        "seasonal_naive",
        _clip(mean),
        _clip([m - w for m, w in zip(mean, width, strict=True)]),
        _clip([m + w for m, w in zip(mean, width, strict=True)]),
        level,
    )


def ets(history: Sequence[float], horizon: int, level: float = 0.8) -> Forecast:
    """Additive-error ETS with a damped trend and weekly seasonality."""
    import pandas as pd  # type: ignore[import-untyped]
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = pd.Series(np.asarray(history, dtype=float))
    model = ETSModel(
        y,
        error="add",
        trend="add",
        damped_trend=True,
        seasonal="add",
        seasonal_periods=SEASON,
        # Initial states from the first seasons (not optimized): 5-40x faster fits at the
        # same accuracy on desk series (bench/forecast.py).
        initialization_method="heuristic",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = model.fit(disp=False, maxiter=200)
            frame = fit.get_prediction(start=len(y), end=len(y) + horizon - 1).summary_frame(
                alpha=1 - level
            )
        except (ValueError, np.linalg.LinAlgError):
            return seasonal_naive(history, horizon, level)
    mean = frame["mean"].to_numpy()
    if not np.all(np.isfinite(mean)):
        return seasonal_naive(history, horizon, level)
    return Forecast(
        "ets",
        _clip(mean),
        _clip(frame["pi_lower"].to_numpy()),
        _clip(frame["pi_upper"].to_numpy()),
        level,
    )


def forecast(history: Sequence[float], horizon: int, level: float = 0.8) -> Forecast:
    """The model forecast when there are at least three weeks of history, else the baseline."""
    if horizon < 1:
        raise ValueError("horizon must be at least one day")
    if len(history) < MIN_MODEL_DAYS or not any(history):
        return seasonal_naive(history, horizon, level)
    return ets(history[-FIT_DAYS:], horizon, level)


def mape(actual: Sequence[float], predicted: Sequence[float]) -> float | None:
    """Mean absolute percentage error (%), over days with a non-zero actual."""
    pairs = [(a, p) for a, p in zip(actual, predicted, strict=True) if a != 0]
    if not pairs:
        return None
    return 100 * float(np.mean([abs(a - p) / abs(a) for a, p in pairs]))


def smape(actual: Sequence[float], predicted: Sequence[float]) -> float | None:
    """Symmetric MAPE (%, 0..200); a day where both are zero counts as exact."""
    terms = [
        0.0 if a == p == 0 else 2 * abs(a - p) / (abs(a) + abs(p))
        for a, p in zip(actual, predicted, strict=True)
    ]
    return 100 * float(np.mean(terms)) if terms else None


Method = Callable[[Sequence[float], int, float], Forecast]


@dataclass(frozen=True)
class Backtest:
    method: str
    horizon: int
    folds: int
    mape: float | None
    smape: float | None
    coverage: float  # share of held-out days inside the interval


def rolling_origin(
    history: Sequence[float], *, horizon: int, holdout: int, method: Method, level: float = 0.8
) -> Backtest:
    """Forecasts from each day of the last `holdout` days (origins moving one week at a time)
    and scores every forecast against what happened."""
    y = [float(v) for v in history]
    actual: list[float] = []
    predicted: list[float] = []
    inside = 0
    folds = 0
    name = ""
    for origin in range(len(y) - holdout, len(y) - horizon + 1, SEASON):
        fc = method(y[:origin], horizon, level)
        truth = y[origin : origin + horizon]
        actual += truth
        predicted += fc.mean
        inside += sum(lo <= a <= hi for a, lo, hi in zip(truth, fc.lower, fc.upper, strict=True))
        folds += 1
        name = fc.method
    if not folds:
        raise ValueError("the history is too short for this horizon and hold-out")
    return Backtest(
        name,
        horizon,
        folds,
        mape(actual, predicted),
        smape(actual, predicted),
        inside / len(actual),
    )


def agents_needed(
    volume: float, *, handle_minutes: float, hours_per_agent: float, occupancy: float
) -> float:
    """Agents for one day: workload hours divided by the productive hours of one agent."""
    if handle_minutes <= 0 or hours_per_agent <= 0 or not 0 < occupancy <= 1:
        raise ValueError("handle time and hours must be positive, occupancy in (0, 1]")
    return volume * handle_minutes / (60 * hours_per_agent * occupancy)
