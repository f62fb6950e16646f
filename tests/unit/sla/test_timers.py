"""SLA maths on fixed instants: business hours, holidays, overnight ranges, pauses, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from csops.domains.sla.timers import (
    Calendar,
    add_business,
    business_elapsed,
    open_intervals,
    parse_hhmm,
    plan_metric,
)

BERLIN = ZoneInfo("Europe/Berlin")
NY = ZoneInfo("America/New_York")
H = timedelta(hours=1)
OFFICE = {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def berlin_office(**kw: object) -> Calendar:
    return Calendar.from_spec(tz="Europe/Berlin", hours=OFFICE, **kw)  # type: ignore[arg-type]


def at(tz: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=tz).astimezone(UTC)  # type: ignore[misc]


def test_adding_within_one_day() -> None:
    cal = berlin_office()
    start = at(BERLIN, 2026, 11, 23, 10, 0)  # Monday
    assert add_business(cal, start, 2 * H) == at(BERLIN, 2026, 11, 23, 12, 0)


def test_adding_rolls_over_night_and_weekend() -> None:
    cal = berlin_office()
    friday = at(BERLIN, 2026, 11, 27, 17, 0)
    assert add_business(cal, friday, 2 * H) == at(BERLIN, 2026, 11, 30, 10, 0)


def test_start_outside_hours_begins_at_next_opening() -> None:
    cal = berlin_office()
    saturday = at(BERLIN, 2026, 11, 28, 12, 0)
    assert add_business(cal, saturday, timedelta()) == at(BERLIN, 2026, 11, 30, 9, 0)
    assert add_business(cal, saturday, 30 * timedelta(minutes=1)) == at(BERLIN, 2026, 11, 30, 9, 30)


def test_several_ranges_per_day() -> None:
    cal = Calendar.from_spec(tz="UTC", hours={"mon": [["09:00", "12:00"], ["13:00", "17:00"]]})
    start = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
    assert add_business(cal, start, 2 * H) == datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    assert business_elapsed(cal, start, datetime(2026, 11, 23, 18, tzinfo=UTC)) == 5 * H


def test_national_holidays_are_closed() -> None:
    cal = berlin_office(country="DE")
    # 2026-12-24 Thu is a working day, 25 and 26 are holidays, then weekend.
    start = at(BERLIN, 2026, 12, 24, 17, 0)
    assert add_business(cal, start, 2 * H) == at(BERLIN, 2026, 12, 28, 10, 0)


def test_subdivision_holidays() -> None:
    bavaria = berlin_office(country="DE", subdiv="BY")
    berlin = berlin_office(country="DE", subdiv="BE")
    epiphany = at(BERLIN, 2026, 1, 6, 9, 0)  # holiday in Bavaria, not in Berlin
    assert add_business(berlin, epiphany, H) == at(BERLIN, 2026, 1, 6, 10, 0)
    assert add_business(bavaria, epiphany, H) == at(BERLIN, 2026, 1, 7, 10, 0)


def test_custom_closed_dates() -> None:
    cal = berlin_office(closed_dates=[date(2026, 11, 24)])
    start = at(BERLIN, 2026, 11, 23, 17, 0)
    assert add_business(cal, start, 2 * H) == at(BERLIN, 2026, 11, 25, 10, 0)


def test_twenty_four_seven_is_wall_time() -> None:
    cal = Calendar.twenty_four_seven()
    start = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)
    assert add_business(cal, start, 5 * H) == start + 5 * H
    assert business_elapsed(cal, start, start + 30 * H) == 30 * H


def test_overnight_range_belongs_to_its_start_day() -> None:
    cal = Calendar.from_spec(tz="UTC", hours={"fri": [["22:00", "06:00"]]})
    friday = datetime(2026, 11, 27, 21, 0, tzinfo=UTC)
    assert add_business(cal, friday, 3 * H) == datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    assert add_business(cal, friday, 8 * H) == datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
    # the 9th hour waits for next Friday night
    assert add_business(cal, friday, 9 * H) == datetime(2026, 12, 4, 23, 0, tzinfo=UTC)


def test_full_day_range_until_midnight() -> None:
    cal = Calendar.from_spec(tz="UTC", hours={"sat": [["00:00", "24:00"]]})
    start = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    assert business_elapsed(cal, start, start + 48 * H) == 24 * H


def test_adjacent_ranges_are_merged() -> None:
    cal = Calendar.from_spec(tz="UTC", hours={"mon": [["09:00", "12:00"], ["12:00", "15:00"]]})
    start = datetime(2026, 11, 23, tzinfo=UTC)
    spans = list(open_intervals(cal, start, start + 24 * H))
    assert spans == [(start + 9 * H, start + 15 * H)]


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        (BERLIN, (2026, 3, 29), 23),  # spring forward
        (BERLIN, (2026, 10, 25), 25),  # fall back
        (NY, (2026, 3, 8), 23),
        (NY, (2026, 11, 1), 25),
    ],
)
def test_dst_days_are_real_time(tz: ZoneInfo, day: tuple[int, int, int], hours: int) -> None:
    name = tz.key
    cal = Calendar.from_spec(tz=name, hours={"sun": [["00:00", "24:00"]]})
    start = at(tz, *day, 0, 0)
    assert business_elapsed(cal, start, start + 30 * H) == hours * H
    assert add_business(cal, start, (hours - 1) * H) == start + (hours - 1) * H


def test_dst_spring_forward_office_day_starts_at_local_nine() -> None:
    cal = Calendar.from_spec(tz="America/New_York", hours=OFFICE)
    friday = at(NY, 2026, 3, 6, 17, 0)
    # Monday after the change: 09:00 EDT = 13:00 UTC (it was 14:00 UTC the week before)
    assert add_business(cal, friday, 2 * H) == datetime(2026, 3, 9, 14, 0, tzinfo=UTC)


def test_dst_fall_back_office_day_in_berlin() -> None:
    cal = berlin_office()
    friday = at(BERLIN, 2026, 10, 23, 17, 30)
    deadline = add_business(cal, friday, H)
    assert deadline == datetime(2026, 10, 26, 8, 30, tzinfo=UTC)  # 09:30 CET
    assert deadline is not None and deadline.astimezone(BERLIN).hour == 9


def test_range_inside_the_spring_gap_starts_after_it() -> None:
    cal = Calendar.from_spec(tz="Europe/Berlin", hours={"sun": [["02:30", "04:00"]]})
    start = at(BERLIN, 2026, 3, 29, 0, 0)
    assert add_business(cal, start, timedelta()) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert business_elapsed(cal, start, start + 24 * H) == H


def test_pauses_are_not_counted() -> None:
    cal = berlin_office()
    start = at(BERLIN, 2026, 11, 23, 9, 0)
    pauses = [(at(BERLIN, 2026, 11, 23, 10, 0), at(BERLIN, 2026, 11, 23, 12, 0))]
    assert business_elapsed(cal, start, at(BERLIN, 2026, 11, 23, 13, 0), pauses) == 2 * H
    assert add_business(cal, start, 3 * H, pauses) == at(BERLIN, 2026, 11, 23, 14, 0)


def test_pause_spanning_a_weekend() -> None:
    cal = berlin_office()
    start = at(BERLIN, 2026, 11, 27, 9, 0)  # Friday
    pauses = [(at(BERLIN, 2026, 11, 27, 16, 0), at(BERLIN, 2026, 11, 30, 11, 0))]
    assert add_business(cal, start, 9 * H, pauses) == at(BERLIN, 2026, 11, 30, 13, 0)
    monday_noon = at(BERLIN, 2026, 11, 30, 12, 0)
    assert business_elapsed(cal, start, monday_noon, pauses) == 8 * H


def test_open_pause_stops_the_clock() -> None:
    cal = Calendar.twenty_four_seven()
    start = datetime(2026, 11, 23, tzinfo=UTC)
    assert add_business(cal, start, 5 * H, [(start + H, None)]) is None
    assert add_business(cal, start, 30 * timedelta(minutes=1), [(start + H, None)]) == start + H / 2


def test_overlapping_pauses() -> None:
    cal = Calendar.twenty_four_seven()
    start = datetime(2026, 11, 23, tzinfo=UTC)
    pauses = [(start + H, start + 3 * H), (start + 2 * H, start + 4 * H)]
    assert business_elapsed(cal, start, start + 5 * H, pauses) == 2 * H


def test_empty_calendar_is_an_error() -> None:
    cal = Calendar.from_spec(tz="UTC", hours={})
    with pytest.raises(ValueError, match="no open time"):
        add_business(cal, datetime(2026, 1, 1, tzinfo=UTC), H)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        add_business(Calendar.twenty_four_seven(), datetime(2026, 1, 1), H)  # noqa: DTZ001


def test_bad_specs_are_refused() -> None:
    with pytest.raises(ValueError):
        Calendar.from_spec(tz="UTC", hours={"funday": [["09:00", "10:00"]]})
    with pytest.raises(ValueError):
        parse_hhmm("25:00")
    with pytest.raises(ValueError):
        parse_hhmm("nine")
    with pytest.raises(KeyError):
        Calendar.from_spec(tz="Mars/Olympus", hours={})


def test_plan_warnings_and_breach() -> None:
    cal = berlin_office()
    start = at(BERLIN, 2026, 11, 23, 9, 0)
    plan = plan_metric(cal, started_at=start, target=4 * H, now=start + H)
    assert plan.target_at == at(BERLIN, 2026, 11, 23, 13, 0)
    assert plan.warn_at == {75: at(BERLIN, 2026, 11, 23, 12, 0), 90: start + 3.6 * H}
    assert plan.remaining == 3 * H and not plan.breached and not plan.paused
    late = plan_metric(cal, started_at=start, target=4 * H, now=start + 5 * H)
    assert late.breached and late.remaining == -H


def test_plan_while_paused_has_no_deadline() -> None:
    cal = Calendar.twenty_four_seven()
    start = datetime(2026, 11, 23, tzinfo=UTC)
    plan = plan_metric(
        cal, started_at=start, target=4 * H, now=start + 3 * H, pauses=[(start + H, None)]
    )
    assert plan.paused and plan.target_at is None and plan.warn_at == {}
    assert plan.elapsed == H and plan.remaining == 3 * H


def test_plan_after_resume_moves_the_deadline() -> None:
    cal = Calendar.twenty_four_seven()
    start = datetime(2026, 11, 23, tzinfo=UTC)
    pauses = [(start + H, start + 3 * H)]
    plan = plan_metric(cal, started_at=start, target=4 * H, now=start + 3 * H, pauses=pauses)
    assert plan.target_at == start + 6 * H
    assert plan.warn_at[75] == start + 5 * H


def test_plan_stopped_on_time_is_not_breached() -> None:
    cal = Calendar.twenty_four_seven()
    start = datetime(2026, 11, 23, tzinfo=UTC)
    done = plan_metric(cal, started_at=start, target=H, now=start + 9 * H, stopped_at=start + H)
    assert not done.breached and done.warn_at == {}
    late = plan_metric(cal, started_at=start, target=H, now=start + 9 * H, stopped_at=start + 2 * H)
    assert late.breached
