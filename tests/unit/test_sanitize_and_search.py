from __future__ import annotations

import pytest

from csops.domains.tickets.sanitize import body_from, clean_html, html_to_text
from csops.domains.tickets.search import parse, to_fts5, to_websearch
from csops.web.guards import json_depth_exceeds


def test_scripts_handlers_and_js_urls_are_removed() -> None:
    cleaned = clean_html(
        '<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(1)">l</a></p>'
    )
    assert "script" not in cleaned and "onclick" not in cleaned and "javascript" not in cleaned
    assert cleaned.startswith("<p>Hi")


def test_plain_text_is_escaped_and_kept_as_paragraphs() -> None:
    html_body, text = body_from(text="a <b>bold</b>\n\nsecond\nline")
    assert html_body == "<p>a &lt;b&gt;bold&lt;/b&gt;</p><p>second<br>line</p>"
    assert text == "a <b>bold</b>\n\nsecond\nline"


def test_html_to_text_keeps_blocks_apart() -> None:
    assert html_to_text("<p>one</p><p>two &amp; three</p>") == "one\n\ntwo & three"


def test_links_get_safe_rel() -> None:
    assert 'rel="noopener noreferrer nofollow"' in clean_html('<a href="https://x.example">x</a>')


@pytest.mark.parametrize(
    ("query", "fts5", "web"),
    [
        ("refund card", '"refund" AND "card"', "refund card"),
        ('"card declined"', '"card declined"', '"card declined"'),
        ("refund OR chargeback", '("refund" OR "chargeback")', "refund OR chargeback"),
        ("refund -duplicate", '("refund") NOT "duplicate"', "refund -duplicate"),
        ('NEAR( "x" ) * ^col:', '"near" AND "x" AND "col"', "near x col"),
    ],
)
def test_one_query_syntax_for_both_backends(query: str, fts5: str, web: str) -> None:
    terms = parse(query)
    assert to_fts5(terms) == fts5
    assert to_websearch(terms) == web


def test_query_without_words_matches_nothing_special() -> None:
    assert to_fts5(parse("-- ** ()")) == ""


@pytest.mark.parametrize(
    ("body", "limit", "deep"),
    [
        (b"[" * 33 + b"]" * 33, 32, True),
        (b"[" * 32 + b"]" * 32, 32, False),
        (b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', 3, False),
        (b'{"a": "\\"[[[[["}', 2, False),
    ],
)
def test_json_depth_is_measured_outside_strings(body: bytes, limit: int, deep: bool) -> None:
    assert json_depth_exceeds(body, limit) is deep
