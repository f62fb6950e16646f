"""Who is on call: rotation maths on plain values (no database, no clock).

A layer's shifts are laid out on the local wall clock of its time zone: shift k starts at
`start_local + k * shift`, read in that zone. So a weekly handoff at 09:00 Berlin stays at
09:00 Berlin across the DST change (that week is an hour shorter or longer in UTC). A
wall-clock time that does not exist (spring-forward gap) is read with the offset in force
before the change (PEP 495 fold=0), which keeps boundaries increasing.

Higher layers override lower ones wherever they have someone; restrictions limit a layer to
some weekly windows; overrides apply last (a later override wins over an earlier one). An
override with `replaces` applies only over that user's time, which is how a shift swap is
written (two overrides, one for each half).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_BOUNDARIES = 20_000


@dataclass(frozen=True)
class Restriction:
    """Active on `days` (0 = Monday) from `start` to `end` local; end <= start wraps midnight."""

    days: frozenset[int]
    start: time
    end: time

    def contains(self, local: datetime) -> bool:
        clock = local.time()
        today = local.weekday() in self.days
        if self.start < self.end:
            return today and self.start <= clock < self.end
        yesterday = (local.weekday() - 1) % 7 in self.days
        return (today and clock >= self.start) or (yesterday and clock < self.end)


@dataclass(frozen=True)
class LayerSpec:
    participants: tuple[int, ...]
    start_local: datetime  # naive wall-clock time in `tz`
    shift: timedelta  # wall-clock length of one shift
    tz: ZoneInfo
    restrictions: tuple[Restriction, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.start_local.tzinfo is not None:
            raise ValueError("start_local must be a naive wall-clock time")
        if self.shift < timedelta(hours=1):
            raise ValueError("a shift lasts at least one hour")

    def boundary(self, k: int) -> datetime:
        """UTC instant at which shift k starts."""
        return to_utc(self.start_local + k * self.shift, self.tz)

    def index_at(self, at: datetime) -> int:
        """The shift index covering `at` (negative before the rotation starts)."""
        local = at.astimezone(self.tz).replace(tzinfo=None)
        k = math.floor((local - self.start_local) / self.shift)
        while self.boundary(k + 1) <= at:
            k += 1
        while self.boundary(k) > at:
            k -= 1
        return k

    def active_at(self, at: datetime) -> bool:
        if not self.restrictions:
            return True
        local = at.astimezone(self.tz)
        return any(r.contains(local) for r in self.restrictions)

    def user_at(self, at: datetime) -> int | None:
        if not self.participants or not self.active_at(at):
            return None
        k = self.index_at(at)
        if k < 0:
            return None
        return self.participants[k % len(self.participants)]

    def edges(self, start: datetime, end: datetime) -> list[datetime]:
        """Every instant in [start, end) where this layer may change hands."""
        out: list[datetime] = []
        k = max(self.index_at(start), -1) + 1
        while len(out) < MAX_BOUNDARIES:
            b = self.boundary(k)
            if b >= end:
                break
            out.append(b)
            k += 1
        out.extend(self._restriction_edges(start, end))
        return out

    def _restriction_edges(self, start: datetime, end: datetime) -> Iterable[datetime]:
        if not self.restrictions:
            return
        day = start.astimezone(self.tz).date() - timedelta(days=1)
        last = end.astimezone(self.tz).date() + timedelta(days=1)
        while day <= last:
            for r in self.restrictions:
                if day.weekday() not in r.days:
                    continue
                opens = datetime.combine(day, r.start)
                closes = datetime.combine(day, r.end)
                if r.end <= r.start:
                    closes += timedelta(days=1)
                for edge in (to_utc(opens, self.tz), to_utc(closes, self.tz)):
                    if start < edge < end:
                        yield edge
            day += timedelta(days=1)


@dataclass(frozen=True)
class OverrideSpec:
    user: int
    start: datetime
    end: datetime
    replaces: int | None = None


@dataclass(frozen=True)
class Shift:
    user: int
    start: datetime
    end: datetime


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    return local.replace(tzinfo=tz, fold=0).astimezone(UTC)


def who_at(
    layers: Sequence[LayerSpec], overrides: Sequence[OverrideSpec], at: datetime
) -> int | None:
    """The user on call at `at`: top layer with someone, then overrides (last wins)."""
    if at.tzinfo is None:
        raise ValueError("`at` must be timezone-aware")
    user: int | None = None
    for layer in layers:
        candidate = layer.user_at(at)
        if candidate is not None:
            user = candidate
    for o in overrides:
        if o.start <= at < o.end and (o.replaces is None or o.replaces == user):
            user = o.user
    return user


def shifts(
    layers: Sequence[LayerSpec],
    overrides: Sequence[OverrideSpec],
    start: datetime,
    end: datetime,
) -> list[Shift]:
    """The final on-call shifts over [start, end), merged, gaps left out."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("range must be timezone-aware")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return []
    points = {start, end}
    for layer in layers:
        points.update(layer.edges(start, end))
    for o in overrides:
        points.update(p.astimezone(UTC) for p in (o.start, o.end) if start < p < end)
    ordered = sorted(points)
    out: list[Shift] = []
    for a, b in zip(ordered, ordered[1:], strict=False):
        user = who_at(layers, overrides, a)
        if user is None:
            continue
        if out and out[-1].user == user and out[-1].end == a:
            out[-1] = Shift(user, out[-1].start, b)
        else:
            out.append(Shift(user, a, b))
    return out


def parse_restriction(raw: dict[str, object]) -> Restriction:
    """{"days": [0..6], "start": "HH:MM", "end": "HH:MM"} -> Restriction (ValueError if bad)."""
    days_raw = raw.get("days", list(range(7)))
    if not isinstance(days_raw, list) or not all(
        isinstance(d, int) and 0 <= d <= 6 for d in days_raw
    ):
        raise ValueError("days must be a list of 0..6")
    start, end = raw.get("start"), raw.get("end")
    if not isinstance(start, str) or not isinstance(end, str):
        raise ValueError("start and end must be HH:MM")
    return Restriction(frozenset(days_raw), time.fromisoformat(start), time.fromisoformat(end))
