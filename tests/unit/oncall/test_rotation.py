"""Rotation maths: handoffs on the local wall clock across DST, layers, restrictions,
overrides and swaps (no database, explicit instants)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from csops.engine.rotation import (
    LayerSpec,
    OverrideSpec,
    Restriction,
    Shift,
    parse_restriction,
    shifts,
    to_utc,
    who_at,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK = timedelta(days=7)
DAY = timedelta(days=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def local(tz: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=tz)  # type: ignore[misc]


def weekly(tz: ZoneInfo, start: datetime, people: tuple[int, ...] = (1, 2, 3)) -> LayerSpec:
    return LayerSpec(participants=people, start_local=start, shift=WEEK, tz=tz)


@pytest.mark.parametrize(
    ("tz", "start", "dst_day"),
    [
        (BERLIN, datetime(2026, 3, 23, 9), datetime(2026, 3, 30, 9)),  # spring forward 29 Mar
        (BERLIN, datetime(2026, 10, 19, 9), datetime(2026, 10, 26, 9)),  # fall back 25 Oct
        (NEW_YORK, datetime(2026, 3, 2, 9), datetime(2026, 3, 9, 9)),  # spring forward 8 Mar
        (NEW_YORK, datetime(2026, 10, 26, 9), datetime(2026, 11, 2, 9)),  # fall back 1 Nov
    ],
)
def test_weekly_handoff_stays_at_nine_local_across_dst(
    tz: ZoneInfo, start: datetime, dst_day: datetime
) -> None:
    layer = weekly(tz, start)
    handoff = dst_day.replace(tzinfo=tz)
    assert who_at([layer], [], handoff - timedelta(seconds=1)) == 1
    assert who_at([layer], [], handoff) == 2
    assert layer.boundary(1) == handoff.astimezone(UTC)
    # the week across the change is 167 or 169 hours long in real time
    length = layer.boundary(1) - layer.boundary(0)
    assert length in (WEEK - timedelta(hours=1), WEEK + timedelta(hours=1))


def test_shanghai_has_no_dst_and_weeks_are_exact() -> None:
    layer = weekly(SHANGHAI, datetime(2026, 3, 23, 9))
    for k in range(60):
        assert layer.boundary(k + 1) - layer.boundary(k) == WEEK
    assert layer.boundary(0) == utc(2026, 3, 23, 1)


def test_daily_rotation_in_berlin_keeps_local_handoff_all_year() -> None:
    layer = LayerSpec((1, 2), datetime(2026, 1, 1, 8, 30), DAY, BERLIN)
    for k in range(0, 365):
        assert layer.boundary(k).astimezone(BERLIN).time() == time(8, 30)
    assert who_at([layer], [], local(BERLIN, 2026, 3, 29, 8, 29)) == 1  # day 87 -> index 86
    assert who_at([layer], [], local(BERLIN, 2026, 3, 29, 8, 30)) == 2


def test_handoff_inside_the_spring_gap_uses_the_old_offset() -> None:
    # 02:30 does not exist in Berlin on 29 March 2026: read with +01:00 -> 01:30 UTC
    layer = LayerSpec((1, 2), datetime(2026, 3, 28, 2, 30), DAY, BERLIN)
    assert layer.boundary(1) == utc(2026, 3, 29, 1, 30)
    assert who_at([layer], [], utc(2026, 3, 29, 1, 29)) == 1
    assert who_at([layer], [], utc(2026, 3, 29, 1, 30)) == 2
    assert layer.boundary(2) == to_utc(datetime(2026, 3, 30, 2, 30), BERLIN)


def test_handoff_inside_the_repeated_autumn_hour_takes_the_first() -> None:
    # 02:30 happens twice in New York on 1 Nov 2026; the first one (EDT) is the handoff
    layer = LayerSpec((1, 2), datetime(2026, 10, 31, 1, 30), DAY, NEW_YORK)
    assert layer.boundary(1) == utc(2026, 11, 1, 5, 30)
    assert who_at([layer], [], utc(2026, 11, 1, 5, 29)) == 1
    assert who_at([layer], [], utc(2026, 11, 1, 6, 30)) == 2  # second 01:30 (EST)


def test_twelve_hour_custom_shifts_follow_the_wall_clock() -> None:
    layer = LayerSpec((1, 2), datetime(2026, 3, 7, 8), timedelta(hours=12), NEW_YORK)
    # around the spring change the night shift is 11 hours long
    night = [s for s in shifts([layer], [], utc(2026, 3, 8, 0), utc(2026, 3, 9, 0))]
    starts = [s.start.astimezone(NEW_YORK).time() for s in night]
    assert time(8) in starts and time(20) in starts


def test_before_the_rotation_starts_nobody_is_on_call() -> None:
    layer = weekly(BERLIN, datetime(2026, 6, 1, 9))
    assert who_at([layer], [], local(BERLIN, 2026, 6, 1, 8, 59)) is None
    assert who_at([layer], [], local(BERLIN, 2026, 6, 1, 9)) == 1


def test_rotation_cycles_through_participants_in_order() -> None:
    layer = weekly(SHANGHAI, datetime(2026, 1, 5, 9), (7, 8, 9))
    seen = [who_at([layer], [], local(SHANGHAI, 2026, 1, 5, 10) + k * WEEK) for k in range(7)]
    assert seen == [7, 8, 9, 7, 8, 9, 7]


def test_far_future_index_is_exact() -> None:
    layer = weekly(BERLIN, datetime(2020, 1, 6, 9), (1, 2, 3, 4, 5))
    at = local(BERLIN, 2035, 7, 2, 12)
    k = layer.index_at(at)
    assert layer.boundary(k) <= at < layer.boundary(k + 1)


def test_higher_layer_overrides_lower_within_its_restriction() -> None:
    base = weekly(BERLIN, datetime(2026, 1, 5, 9), (1,))
    weekend = LayerSpec(
        (2, 3),
        datetime(2026, 1, 5, 0),
        WEEK,
        BERLIN,
        restrictions=(Restriction(frozenset({5, 6}), time(0), time(0)),),
    )
    assert who_at([base, weekend], [], local(BERLIN, 2026, 1, 7, 12)) == 1  # Wednesday
    assert who_at([base, weekend], [], local(BERLIN, 2026, 1, 10, 12)) == 2  # Saturday
    assert who_at([base, weekend], [], local(BERLIN, 2026, 1, 17, 12)) == 3  # next Saturday
    assert who_at([base, weekend], [], local(BERLIN, 2026, 1, 12, 0, 0)) == 1  # Monday 00:00


def test_night_restriction_wraps_midnight() -> None:
    r = Restriction(frozenset({0}), time(22), time(6))
    assert r.contains(local(BERLIN, 2026, 1, 5, 23))  # Monday 23:00
    assert r.contains(local(BERLIN, 2026, 1, 6, 5, 59))  # Tuesday early
    assert not r.contains(local(BERLIN, 2026, 1, 6, 6))
    assert not r.contains(local(BERLIN, 2026, 1, 5, 21, 59))
    assert not r.contains(local(BERLIN, 2026, 1, 4, 23))  # Sunday night


def test_restricted_layer_alone_leaves_gaps() -> None:
    office = LayerSpec(
        (4,),
        datetime(2026, 1, 5, 0),
        WEEK,
        NEW_YORK,
        restrictions=(Restriction(frozenset(range(5)), time(9), time(17)),),
    )
    found = shifts([office], [], local(NEW_YORK, 2026, 1, 5), local(NEW_YORK, 2026, 1, 12))
    assert len(found) == 5
    assert all(s.end - s.start == timedelta(hours=8) for s in found)
    assert found[0].start == local(NEW_YORK, 2026, 1, 5, 9).astimezone(UTC)


def test_override_wins_then_ends() -> None:
    layer = weekly(BERLIN, datetime(2026, 1, 5, 9), (1, 2))
    o = OverrideSpec(9, local(BERLIN, 2026, 1, 6, 12), local(BERLIN, 2026, 1, 6, 18))
    assert who_at([layer], [o], local(BERLIN, 2026, 1, 6, 11, 59)) == 1
    assert who_at([layer], [o], local(BERLIN, 2026, 1, 6, 12)) == 9
    assert who_at([layer], [o], local(BERLIN, 2026, 1, 6, 18)) == 1


def test_later_override_beats_earlier_one() -> None:
    layer = weekly(BERLIN, datetime(2026, 1, 5, 9), (1,))
    a = OverrideSpec(5, utc(2026, 1, 6), utc(2026, 1, 8))
    b = OverrideSpec(6, utc(2026, 1, 7), utc(2026, 1, 7, 12))
    assert who_at([layer], [a, b], utc(2026, 1, 7, 6)) == 6
    assert who_at([layer], [a, b], utc(2026, 1, 7, 13)) == 5


def test_override_fills_a_gap_with_nobody_scheduled() -> None:
    o = OverrideSpec(3, utc(2026, 1, 1), utc(2026, 1, 2))
    assert who_at([], [o], utc(2026, 1, 1, 5)) == 3
    assert who_at([], [o], utc(2026, 1, 2)) is None


def test_shift_swap_applies_only_over_the_replaced_user() -> None:
    layer = LayerSpec((1, 2), datetime(2026, 1, 5, 9), DAY, SHANGHAI)
    day1 = (layer.boundary(0), layer.boundary(1))  # user 1
    day2 = (layer.boundary(1), layer.boundary(2))  # user 2
    swap = [OverrideSpec(2, *day1, replaces=1), OverrideSpec(1, *day2, replaces=2)]
    assert who_at([layer], swap, day1[0]) == 2
    assert who_at([layer], swap, day2[0]) == 1
    # an override replacing user 1 does nothing over user 2's time
    stray = [OverrideSpec(7, day2[0], day2[1], replaces=1)]
    assert who_at([layer], stray, day2[0]) == 2


def test_final_shift_list_merges_and_splits() -> None:
    layer = weekly(BERLIN, datetime(2026, 3, 23, 9), (1, 2))
    o = OverrideSpec(5, local(BERLIN, 2026, 3, 31, 0), local(BERLIN, 2026, 4, 1, 0))
    start, end = local(BERLIN, 2026, 3, 23, 9), local(BERLIN, 2026, 4, 6, 9)
    found = shifts([layer], [o], start, end)
    assert [s.user for s in found] == [1, 2, 5, 2]
    assert found[0] == Shift(
        1, start.astimezone(UTC), local(BERLIN, 2026, 3, 30, 9).astimezone(UTC)
    )
    assert found[-1].end == end.astimezone(UTC)
    # contiguous, no overlap
    for a, b in zip(found, found[1:], strict=False):
        assert a.end == b.start


def test_same_user_on_two_layers_merges_into_one_shift() -> None:
    a = weekly(SHANGHAI, datetime(2026, 1, 5, 9), (1,))
    b = LayerSpec((1,), datetime(2026, 1, 5, 0), DAY, SHANGHAI)
    found = shifts([a, b], [], utc(2026, 1, 6), utc(2026, 1, 9))
    assert found == [Shift(1, utc(2026, 1, 6), utc(2026, 1, 9))]


def test_empty_and_bad_inputs() -> None:
    assert shifts([], [], utc(2026, 1, 2), utc(2026, 1, 1)) == []
    assert who_at([LayerSpec((), datetime(2026, 1, 1), DAY, BERLIN)], [], utc(2026, 2, 1)) is None
    with pytest.raises(ValueError, match="aware"):
        who_at([], [], datetime(2026, 1, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        LayerSpec((1,), local(BERLIN, 2026, 1, 1), DAY, BERLIN)
    with pytest.raises(ValueError, match="hour"):
        LayerSpec((1,), datetime(2026, 1, 1), timedelta(minutes=30), BERLIN)


def test_parse_restriction() -> None:
    r = parse_restriction({"days": [0, 1], "start": "09:00", "end": "17:30"})
    assert r == Restriction(frozenset({0, 1}), time(9), time(17, 30))
    assert parse_restriction({"start": "00:00", "end": "00:00"}).days == frozenset(range(7))
    for bad in ({"days": [7], "start": "09:00", "end": "10:00"}, {"days": [1]}, {"start": 9}):
        with pytest.raises(ValueError):
            parse_restriction(bad)
    with pytest.raises(ValueError):
        parse_restriction({"start": "25:00", "end": "10:00"})


@pytest.mark.parametrize("tz", [BERLIN, NEW_YORK, SHANGHAI])
def test_shift_list_agrees_with_who_at_everywhere(tz: ZoneInfo) -> None:
    base = LayerSpec((1, 2, 3), datetime(2026, 3, 1, 9), DAY * 2, tz)
    top = LayerSpec(
        (4, 5),
        datetime(2026, 3, 2, 0),
        WEEK,
        tz,
        restrictions=(Restriction(frozenset({5, 6}), time(20), time(8)),),
    )
    overrides = [OverrideSpec(9, utc(2026, 3, 8, 3), utc(2026, 3, 8, 9), replaces=None)]
    start, end = utc(2026, 3, 1), utc(2026, 4, 5)
    found = shifts([base, top], overrides, start, end)
    at = start
    while at < end:
        expected = who_at([base, top], overrides, at)
        covering = [s.user for s in found if s.start <= at < s.end]
        assert covering == ([expected] if expected is not None else [])
        at += timedelta(minutes=37)
