"""Report periods: parsing, boundaries, previous period, last complete period."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from csops.domains.reports.models import ReportKind
from csops.domains.reports.periods import last_complete, parse
from csops.errors import Invalid


def test_iso_week_boundaries() -> None:
    p = parse(ReportKind.weekly, "2026-W46")
    assert p.start == datetime(2026, 11, 9, tzinfo=UTC)
    assert p.end == datetime(2026, 11, 16, tzinfo=UTC)
    assert p.previous().key == "2026-W45"
    assert parse(ReportKind.weekly, "2027-W01").previous().key == "2026-W53"


def test_month_and_day() -> None:
    feb = parse(ReportKind.monthly, "2028-02")
    assert feb.days == 29 and feb.previous().key == "2028-01"
    assert parse(ReportKind.monthly, "2026-01").previous().key == "2025-12"
    day = parse(ReportKind.daily, "2026-11-21")
    assert day.days == 1 and day.previous().key == "2026-11-20"


def test_last_complete_is_the_period_just_ended() -> None:
    monday_7am = datetime(2026, 11, 23, 7, tzinfo=UTC)
    assert last_complete(ReportKind.daily, monday_7am).key == "2026-11-22"
    assert last_complete(ReportKind.weekly, monday_7am).key == "2026-W47"
    assert last_complete(ReportKind.monthly, monday_7am).key == "2026-10"


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        (ReportKind.weekly, "2026-W54"),
        (ReportKind.weekly, "2026-46"),
        (ReportKind.monthly, "2026-13"),
        (ReportKind.daily, "2026-02-30"),
        (ReportKind.daily, "yesterday"),
    ],
)
def test_bad_keys_are_invalid(kind: ReportKind, key: str) -> None:
    with pytest.raises(Invalid):
        parse(kind, key)
