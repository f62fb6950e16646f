"""Pure parts of surveys and the SLA admin forms: ratings, hours, dates."""

from __future__ import annotations

from datetime import date

import pytest

from csops.domains.feedback.models import CsatSurvey, Scale
from csops.domains.feedback.surveys import parse_rating
from csops.errors import Invalid
from csops.web.ui.sla import parse_dates, parse_hours


def test_ratings_on_both_scales() -> None:
    five = CsatSurvey(scale=Scale.five)
    assert [parse_rating(five, r) for r in ("1", "5", 3, "good", "BAD")] == [1, 5, 3, 5, 1]
    for junk in ("0", "6", "", "abc", "-1", "4.5"):
        with pytest.raises(Invalid):
            parse_rating(five, junk)
    binary = CsatSurvey(scale=Scale.binary)
    assert parse_rating(binary, "good") == 5
    with pytest.raises(Invalid):
        parse_rating(binary, "3")


def test_hours_text() -> None:
    assert parse_hours("Mon 09:00-12:00 13:00-18:00\n\nfri 22:00-06:00") == {
        "mon": [["09:00", "12:00"], ["13:00", "18:00"]],
        "fri": [["22:00", "06:00"]],
    }
    for bad in ("funday 09:00-10:00", "mon 09:00"):
        with pytest.raises(Invalid):
            parse_hours(bad)


def test_dates_text() -> None:
    assert parse_dates("2026-12-24, 2026-12-31") == [date(2026, 12, 24), date(2026, 12, 31)]
    with pytest.raises(Invalid):
        parse_dates("24.12.2026")
