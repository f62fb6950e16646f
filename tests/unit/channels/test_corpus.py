"""Every .eml of the fixture corpus parses to what its .json says (hand-written)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from csops.domains.channels import mailids
from csops.domains.channels.parsing import parse_email

CORPUS = Path(__file__).parents[2] / "fixtures" / "email"
CASES = sorted(CORPUS.glob("*.eml"))
ANY = "__any__"


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert all(case.with_suffix(".json").exists() for case in CASES)


@pytest.mark.parametrize("path", CASES, ids=[case.stem for case in CASES])
def test_parse_matches_expected(path: Path) -> None:
    expected: dict[str, Any] = json.loads(path.with_suffix(".json").read_text("utf-8"))
    parsed = parse_email(path.read_bytes())
    assert parsed.sender == expected["sender"]
    if expected["sender_name"] != ANY:
        assert parsed.sender_name == expected["sender_name"]
    if expected["subject"] != ANY:
        assert parsed.subject == expected["subject"]
    assert parsed.auto == expected["auto"]
    assert [part.filename for part in parsed.attachments] == expected["attachments"]
    for excerpt in expected["shown_contains"]:
        assert excerpt in parsed.shown
    for excerpt in expected["shown_excludes"]:
        assert excerpt not in parsed.shown
    assert (parsed.html is not None) == expected["has_html"]
    for excerpt in expected["html_excludes"]:
        assert excerpt not in (parsed.html or "")
    if expected["has_date"] != ANY:
        assert (parsed.date is not None) == expected["has_date"]
    assert mailids.ticket_id_from_subject(parsed.subject) == expected["subject_ticket"]
    assert "\ufffd" not in parsed.shown
