"""Report periods in UTC: a day (2026-11-21), an ISO week (2026-W46), a month (2026-11)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from csops.domains.reports.models import ReportKind
from csops.errors import Invalid

PATTERNS = {
    ReportKind.daily: re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    ReportKind.weekly: re.compile(r"^(\d{4})-W(\d{2})$"),
    ReportKind.monthly: re.compile(r"^(\d{4})-(\d{2})$"),
}


@dataclass(frozen=True)
class Period:
    kind: ReportKind
    key: str
    start: datetime
    end: datetime

    def previous(self) -> Period:
        return containing(self.kind, self.start - timedelta(seconds=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def day_keys(start: datetime, days: int) -> list[str]:
    """The ISO dates (2026-11-21) of `days` consecutive days from `start`: the keys of the
    per-day counts."""
    return [str((start + timedelta(days=i)).date()) for i in range(days)]


def containing(kind: ReportKind, moment: datetime) -> Period:
    day = moment.astimezone(UTC).date()
    if kind == ReportKind.daily:
        return Period(kind, day.isoformat(), _midnight(day), _midnight(day + timedelta(days=1)))
    if kind == ReportKind.weekly:
        monday = day - timedelta(days=day.weekday())
        year, week, _ = monday.isocalendar()
        start = _midnight(monday)
        return Period(kind, f"{year}-W{week:02d}", start, start + timedelta(days=7))
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(kind, f"{first:%Y-%m}", _midnight(first), _midnight(following))


def last_complete(kind: ReportKind, moment: datetime) -> Period:
    """The latest period that has ended by `moment` (the one a scheduled run reports)."""
    return containing(kind, moment).previous()


def parse(kind: ReportKind, key: str) -> Period:
    match = PATTERNS[kind].match(key.strip())
    if match is None:
        example = {"daily": "2026-11-21", "weekly": "2026-W46", "monthly": "2026-11"}[kind]
        raise Invalid(f"a {kind.value} period looks like {example}")
    numbers = [int(g) for g in match.groups()]
    try:
        if kind == ReportKind.daily:
            moment = datetime(numbers[0], numbers[1], numbers[2], tzinfo=UTC)
        elif kind == ReportKind.weekly:
            monday = date.fromisocalendar(numbers[0], numbers[1], 1)
            moment = _midnight(monday)
        else:
            moment = datetime(numbers[0], numbers[1], 1, tzinfo=UTC)
    except ValueError:
        raise Invalid(f"{key!r} is not a valid {kind.value} period") from None
    return containing(kind, moment)
