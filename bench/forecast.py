"""Forecast error on held-out history: MAPE / sMAPE / interval coverage of the ETS forecast
vs the seasonal-naive baseline, rolling origin over the last weeks, horizons 7 and 28 days.

Series: a realistic synthetic desk (two years of daily tickets: weekly pattern, yearly
swell, growth, holidays, incident spikes, Poisson noise) and, when present, the real NAB
Twitter-mention volumes in ../shared/data/nab_realtweets (5-minute counts summed per day,
about 55 days per company).

    .venv/bin/python bench/forecast.py
"""

from __future__ import annotations

import csv
import math
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

from csops.engine import forecast

NAB = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab_realtweets" / "data"
WEEKDAY = (1.25, 1.15, 1.05, 1.0, 0.95, 0.45, 0.35)  # Monday .. Sunday


def synthetic_desk(days: int = 730, seed: int = 7) -> list[float]:
    rng = random.Random(seed)
    series = []
    for d in range(days):
        level = 120 * (1 + 0.25 * d / days) * (1 + 0.12 * math.sin(2 * math.pi * d / 365.25))
        mean = level * WEEKDAY[d % 7]
        if rng.random() < 0.02:  # a public holiday
            mean *= 0.4
        if rng.random() < 0.015:  # an incident: a burst of tickets
            mean *= rng.uniform(1.6, 2.5)
        series.append(float(_poisson(rng, mean)))
    return series


def _poisson(rng: random.Random, lam: float) -> int:
    # Normal approximation is fine at these volumes (lam > 30).
    return max(0, round(rng.gauss(lam, math.sqrt(lam))))


def nab_series() -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    if not NAB.is_dir():
        return found
    for path in sorted(NAB.glob("Twitter_volume_*.csv")):
        per_day: dict[str, float] = defaultdict(float)
        with path.open() as fh:
            for row in csv.DictReader(fh):
                per_day[row["timestamp"][:10]] += float(row["value"])
        days = sorted(per_day)[1:-1]  # first and last days are partial
        found[path.stem.removeprefix("Twitter_volume_")] = [per_day[d] for d in days]
    return found


def _fmt(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.1f}"


def evaluate(name: str, series: list[float], horizons: tuple[int, ...]) -> list[tuple]:
    rows = []
    for horizon in horizons:
        holdout = min(horizon + 21, len(series) - forecast.MIN_MODEL_DAYS)
        if holdout < horizon:
            continue
        for method in (forecast.forecast, forecast.seasonal_naive):
            started = time.perf_counter()
            bt = forecast.rolling_origin(series, horizon=horizon, holdout=holdout, method=method)
            ms = (time.perf_counter() - started) * 1000 / bt.folds
            rows.append((name, len(series), horizon, bt, ms))
            print(
                f"{name:<14} {len(series):>5} {horizon:>3} {bt.method:<15} {bt.folds:>5} "
                f"{_fmt(bt.mape)} {_fmt(bt.smape)} {100 * bt.coverage:7.1f} {ms:8.0f}"
            )
    return rows


def main() -> int:
    forecast.forecast([float(d % 7) for d in range(30)], 7)  # import statsmodels before timing
    print("series          days   h method          folds  MAPE%  sMAPE%  cover%  ms/fit")
    evaluate("synthetic", synthetic_desk(), (7, 28))
    real = nab_series()
    if not real:
        print("(no real series: ../shared/data/nab_realtweets is absent)")
        return 0
    rows = [
        row for name, series in real.items() for row in evaluate(f"nab:{name}", series, (7, 28))
    ]
    print("\nNAB mean over series (MAPE% / sMAPE%), and how often ETS beats the baseline (sMAPE):")
    for horizon in (7, 28):
        for method in ("ets", "seasonal_naive"):
            picked = [bt for _, _, h, bt, _ in rows if h == horizon and bt.method == method]
            mape = sum(bt.mape or 0 for bt in picked) / len(picked)
            smape = sum(bt.smape or 0 for bt in picked) / len(picked)
            print(f"  h={horizon:<3} {method:<15} {mape:6.1f} / {smape:6.1f}")
        by_series = {}
        for name, _, h, bt, _ in rows:
            if h == horizon:
                by_series.setdefault(name, {})[bt.method] = bt.smape or 0
        wins = sum(m["ets"] < m["seasonal_naive"] for m in by_series.values() if len(m) == 2)
        print(f"  h={horizon:<3} ETS better on {wins} of {len(by_series)} series")
    return 0


if __name__ == "__main__":
    sys.exit(main())
