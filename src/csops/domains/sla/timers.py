"""Pure SLA maths: business-hours calendars, business durations, deadlines, pauses.

No database, no clock: every function takes the instants it needs, so the tests drive it
with fixed times. Instants are timezone-aware (UTC in, UTC out). Opening hours are wall
times in the calendar's zone; each range belongs to the day it starts on, and a range whose
end is not after its start runs overnight into the next day. Local times are turned into
instants with zoneinfo, so a business day that contains a DST change is one hour shorter or
longer in real time, and a range starting in the spring gap starts at the first instant
after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Range = tuple[time, time]
Interval = tuple[datetime, datetime]
Pause = tuple[datetime, datetime | None]
# How far a search for open time goes before deciding the calendar has none.
MAX_SEARCH_DAYS = 3 * 366


@lru_cache(maxsize=256)
def national_holidays(country: str, subdiv: str | None, year: int) -> frozenset[date]:
    """Public holidays of a country (and subdivision) in one year, from `holidays`."""
    found = holidays_lib.country_holidays(country, subdiv=subdiv or None, years=year)
    return frozenset(found.keys())


def parse_hhmm(text: str) -> time:
    hours, _, minutes = text.strip().partition(":")
    if not hours.isdigit() or not minutes.isdigit():
        raise ValueError(f"not a time of day: {text!r}")
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        return time(0)
    if not (0 <= h < 24 and 0 <= m < 60):
        raise ValueError(f"not a time of day: {text!r}")
    return time(h, m)


@dataclass(frozen=True)
class Calendar:
    """Weekly opening hours in a zone, minus holidays. `always_open` is 24x7."""

    tz: str = "UTC"
    hours: Mapping[int, tuple[Range, ...]] = field(default_factory=dict)
    country: str | None = None
    subdiv: str | None = None
    closed_dates: frozenset[date] = frozenset()
    always_open: bool = False

    @classmethod
    def twenty_four_seven(cls) -> Calendar:
        return cls(always_open=True)

    @classmethod
    def from_spec(
        cls,
        *,
        tz: str,
        hours: Mapping[str, Sequence[Sequence[str]]],
        country: str | None = None,
        subdiv: str | None = None,
        closed_dates: Iterable[date] = (),
        always_open: bool = False,
    ) -> Calendar:
        """From the stored shape: {"mon": [["09:00", "18:00"]], ...}."""
        ZoneInfo(tz)  # raises for an unknown zone
        parsed: dict[int, tuple[Range, ...]] = {}
        for day, ranges in hours.items():
            if day not in WEEKDAYS:
                raise ValueError(f"unknown weekday {day!r}")
            parsed[WEEKDAYS.index(day)] = tuple(
                (parse_hhmm(start), parse_hhmm(end)) for start, end in ranges
            )
        return cls(tz, parsed, country, subdiv, frozenset(closed_dates), always_open)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def is_holiday(self, day: date) -> bool:
        if day in self.closed_dates:
            return True
        return bool(self.country) and day in national_holidays(
            str(self.country), self.subdiv, day.year
        )

    def day_intervals(self, day: date) -> list[Interval]:
        """The open intervals (UTC) of ranges starting on the local date `day`."""
        if self.is_holiday(day):
            return []
        zone = self.zone
        out: list[Interval] = []
        for start, end in self.hours.get(day.weekday(), ()):
            end_day = day if end > start else day + timedelta(days=1)
            begin = _utc(datetime.combine(day, start, tzinfo=zone))
            finish = _utc(datetime.combine(end_day, end, tzinfo=zone))
            if finish > begin:
                out.append((begin, finish))
        return out


def _utc(value: datetime) -> datetime:
    """Wall time to instant; a wall time in the spring gap becomes the end of the gap."""
    instant = value.astimezone(UTC)
    wall = value.replace(tzinfo=None)
    if instant.astimezone(value.tzinfo).replace(tzinfo=None) == wall:
        return instant
    step = min(instant, value.replace(fold=1).astimezone(UTC)).replace(second=0, microsecond=0)
    while step.astimezone(value.tzinfo).replace(tzinfo=None) < wall:
        step += timedelta(minutes=1)
    return step


def _require_aware(*values: datetime | None) -> None:
    for value in values:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to the SLA maths")


def open_intervals(
    cal: Calendar, start: datetime, end: datetime | None = None
) -> Iterator[Interval]:
    """Open intervals clipped to [start, end) (end None: without end), merged, in order."""
    _require_aware(start, end)
    start = start.astimezone(UTC)
    if cal.always_open:
        yield (start, end.astimezone(UTC) if end else datetime.max.replace(tzinfo=UTC))
        return
    day = start.astimezone(cal.zone).date() - timedelta(days=1)
    last_day = day + timedelta(days=MAX_SEARCH_DAYS)
    if end is not None:
        last_day = min(last_day, end.astimezone(cal.zone).date() + timedelta(days=1))
    pending: Interval | None = None
    while day <= last_day:
        for begin, finish in cal.day_intervals(day):
            begin, finish = max(begin, start), finish if end is None else min(finish, end)
            if finish <= begin:
                continue
            if pending and begin <= pending[1]:
                pending = (pending[0], max(pending[1], finish))
                continue
            if pending:
                yield pending
            pending = (begin, finish)
        day += timedelta(days=1)
    if pending:
        yield pending


def _minus_pauses(start: datetime, end: datetime | None, pauses: Sequence[Pause]) -> list[Interval]:
    """[start, end) without the pauses (an open pause runs to the end of time)."""
    far = datetime.max.replace(tzinfo=UTC)
    segments: list[Interval] = [(start, end or far)]
    for p_start, p_end in sorted(pauses, key=lambda p: p[0]):
        stop = p_end or far
        cut: list[Interval] = []
        for s, e in segments:
            if stop <= s or p_start >= e:
                cut.append((s, e))
                continue
            if p_start > s:
                cut.append((s, p_start))
            if stop < e:
                cut.append((stop, e))
        segments = cut
    return segments


def business_elapsed(
    cal: Calendar, start: datetime, end: datetime, pauses: Sequence[Pause] = ()
) -> timedelta:
    """Open time between two instants, not counting the pauses."""
    _require_aware(start, end)
    total = timedelta()
    if end <= start:
        return total
    for s, e in _minus_pauses(start, end, pauses):
        for begin, finish in open_intervals(cal, s, e):
            total += finish - begin
    return total


def add_business(
    cal: Calendar, start: datetime, duration: timedelta, pauses: Sequence[Pause] = ()
) -> datetime | None:
    """The instant at which `duration` of open time has passed since `start`, pauses skipped.

    None when an open pause stops the clock before that. ValueError when the calendar has no
    open time at all within the search horizon.
    """
    _require_aware(start)
    if duration < timedelta():
        raise ValueError("a negative duration")
    left = duration
    for s, e in _minus_pauses(start, None, pauses):
        for begin, finish in open_intervals(cal, s, None if e.year == 9999 else e):
            if left == timedelta() or finish - begin >= left:
                return begin + left
            left -= finish - begin
    if any(p_end is None for _, p_end in pauses):
        return None
    raise ValueError("the calendar has no open time in the next three years")


@dataclass(frozen=True)
class MetricPlan:
    """Where one SLA target stands at `now`."""

    target_at: datetime | None  # None while paused
    elapsed: timedelta
    remaining: timedelta
    warn_at: dict[int, datetime]  # percent -> instant (only while running)
    breached: bool
    paused: bool


def plan_metric(
    cal: Calendar,
    *,
    started_at: datetime,
    target: timedelta,
    now: datetime,
    pauses: Sequence[Pause] = (),
    stopped_at: datetime | None = None,
    warn_percents: Sequence[int] = (75, 90),
) -> MetricPlan:
    """Deadline, warning instants and elapsed/remaining open time of one target."""
    until = stopped_at or now
    elapsed = business_elapsed(cal, started_at, until, pauses)
    paused = stopped_at is None and any(p_end is None for _, p_end in pauses)
    closed = [(s, e) for s, e in pauses if e is not None]
    target_at = add_business(cal, started_at, target, closed)
    warn_at: dict[int, datetime] = {}
    if stopped_at is None and not paused:
        for percent in sorted(set(warn_percents)):
            at = add_business(cal, started_at, target * percent / 100, closed)
            if at is not None:
                warn_at[percent] = at
    breached = elapsed >= target if stopped_at is None else elapsed > target
    return MetricPlan(
        target_at=None if paused else target_at,
        elapsed=elapsed,
        remaining=target - elapsed,
        warn_at=warn_at,
        breached=breached,
        paused=paused,
    )
