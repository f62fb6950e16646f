from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from csops.domains.statuspage.uptime import Interval, daily_bars, overall_uptime, runs, worst

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_no_incident_is_full_uptime() -> None:
    bars = daily_bars([], today=NOW.date(), days=90, now=NOW)
    assert len(bars) == 90 and bars[-1].day == NOW.date()
    assert overall_uptime(bars) == 1.0
    assert {b.level for b in bars} == {"operational"}


def test_weighted_and_overlapping_intervals() -> None:
    start = datetime(2026, 3, 9, 0, 0, tzinfo=UTC)
    major = Interval(start, start + timedelta(hours=6), "major_outage")
    partial = Interval(start + timedelta(hours=3), start + timedelta(hours=12), "partial_outage")
    bars = daily_bars([major, partial], today=NOW.date(), days=2, now=NOW)
    day = bars[0]
    assert day.day == date(2026, 3, 9) and day.level == "major_outage"
    # 6 h at 1.0 + (12 - 6) h at 0.5 = 9 h of 24 down
    assert abs(day.uptime - (1 - 9 / 24)) < 1e-9
    assert bars[1].uptime == 1.0


def test_ongoing_interval_counts_until_now() -> None:
    ongoing = Interval(NOW - timedelta(hours=6), None, "degraded")
    bar = daily_bars([ongoing], today=NOW.date(), days=1, now=NOW)[0]
    assert abs(bar.uptime - (1 - 0.1 * 6 / 12)) < 1e-9
    assert worst(["degraded", "operational", "partial_outage"]) == "partial_outage"


def test_runs_group_equal_days() -> None:
    start = datetime(2026, 3, 8, 0, 0, tzinfo=UTC)
    bars = daily_bars(
        [Interval(start, start + timedelta(hours=1), "major_outage")],
        today=NOW.date(),
        days=10,
        now=NOW,
    )
    grouped = runs(bars)
    assert [r.days for r in grouped] == [7, 1, 2]
    assert grouped[1].level == "major_outage" and sum(r.days for r in grouped) == 10
