"""Uptime bars: pure arithmetic over incident intervals, one bar per UTC day.

An interval weighs 1.0 for a major outage (SEV1), 0.5 for a partial one (SEV2) and
0.1 for degraded performance (SEV3, SEV4): a day's uptime is one minus the weighted
share of the day covered (overlaps counted once, at the heaviest weight).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

LEVELS = ("operational", "degraded", "partial_outage", "major_outage")
WEIGHT = {"major_outage": 1.0, "partial_outage": 0.5, "degraded": 0.1}
LEVEL_FOR_SEVERITY = {
    "SEV1": "major_outage",
    "SEV2": "partial_outage",
    "SEV3": "degraded",
    "SEV4": "degraded",
}
DAY = 86_400.0


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime | None  # None: still going on
    level: str


@dataclass(frozen=True)
class DayBar:
    day: date
    level: str
    uptime: float  # 0..1


def worst(levels: list[str]) -> str:
    return max(levels, key=LEVELS.index, default="operational")


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start, start + timedelta(days=1)


def _weighted_down(intervals: list[Interval], lo: datetime, hi: datetime) -> tuple[float, str]:
    """Weighted seconds down in [lo, hi), heaviest level first so overlaps count once."""
    covered: list[tuple[datetime, datetime]] = []
    total = 0.0
    level = "operational"
    for item in sorted(intervals, key=lambda i: -WEIGHT.get(i.level, 0.0)):
        start = max(item.start, lo)
        end = min(item.end or hi, hi)
        if end <= start:
            continue
        level = worst([level, item.level])
        pieces = [(start, end)]
        for c_start, c_end in covered:
            pieces = [
                part
                for p_start, p_end in pieces
                for part in ((p_start, min(p_end, c_start)), (max(p_start, c_end), p_end))
                if part[1] > part[0]
            ]
        total += sum((e - s).total_seconds() for s, e in pieces) * WEIGHT.get(item.level, 0.0)
        covered.append((start, end))
    return total, level


def daily_bars(
    intervals: list[Interval], *, today: date, days: int = 90, now: datetime
) -> list[DayBar]:
    bars: list[DayBar] = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        lo, hi = _day_bounds(day)
        hi = min(hi, now)
        span = max((hi - lo).total_seconds(), 1.0)
        down, level = _weighted_down(intervals, lo, hi)
        bars.append(DayBar(day=day, level=level, uptime=max(0.0, 1.0 - down / span)))
    return bars


def overall_uptime(bars: list[DayBar]) -> float:
    if not bars:
        return 1.0
    return sum(bar.uptime for bar in bars) / len(bars)


@dataclass(frozen=True)
class Run:
    """Consecutive days with the same level and uptime, drawn as one block of `days` bars."""

    first: date
    last: date
    level: str
    uptime: float
    days: int


def runs(bars: list[DayBar]) -> list[Run]:
    out: list[Run] = []
    for bar in bars:
        last = out[-1] if out else None
        if last is not None and last.level == bar.level and last.uptime == bar.uptime:
            out[-1] = Run(last.first, bar.day, last.level, last.uptime, last.days + 1)
        else:
            out.append(Run(bar.day, bar.day, bar.level, bar.uptime, 1))
    return out
