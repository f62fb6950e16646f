from __future__ import annotations

import pytest

from csops.domains.notifications import templates
from csops.domains.notifications.rendering import check_syntax, render
from csops.errors import Invalid


def test_customer_text_is_data_never_template() -> None:
    out = render(
        subject="Re: {{ subject }}",
        text="{{ body }}",
        html="<p>{{ body }}</p>",
        context={"subject": "{{ 7*7 }}\r\nBcc: evil@x.test", "body": "{{ 7*7 }} <b>hi</b>"},
    )
    assert out.subject == "Re: {{ 7*7 }} Bcc: evil@x.test"
    assert "\n" not in out.subject and "\r" not in out.subject
    assert out.text == "{{ 7*7 }} <b>hi</b>"
    assert out.html == "<p>{{ 7*7 }} &lt;b&gt;hi&lt;/b&gt;</p>"


def test_sandbox_refuses_internals() -> None:
    with pytest.raises(Invalid):
        render(
            subject="x",
            text="{{ ''.__class__.__mro__[1].__subclasses__() }}",
            html="",
            context={},
        )
    with pytest.raises(Invalid):
        render(subject="x", text="{% set _ = items.append(1) %}", html="", context={"items": []})


def test_empty_html_part_is_escaped_text() -> None:
    out = render(subject="s", text="{{ a }}\nline", html="", context={"a": "<i>"})
    assert out.html == "<p>&lt;i&gt;<br>line</p>"


def test_check_syntax() -> None:
    check_syntax("Hello {{ name }}")
    with pytest.raises(Invalid):
        check_syntax("Hello {{ name ")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("zh", "zh_Hans"),
        ("zh-CN", "zh_Hans"),
        ("zh_Hans", "zh_Hans"),
        ("en-GB", "en"),
        ("fr", "en"),
        (None, "en"),
        ("zh-TW", "en"),
    ],
)
def test_normalize_locale(given: str | None, expected: str) -> None:
    assert templates.normalize_locale(given) == expected


def test_defaults_exist_in_both_locales() -> None:
    for name in ("ticket_ack", "agent_reply", "status_changed", "magic_link"):
        for locale in templates.LOCALES:
            assert (name, locale) in templates._DEFAULTS
    zh = templates.default_source("ticket_ack", "zh_Hans")
    assert zh is not None and "收到" in zh.subject


def test_register_default_and_fallback() -> None:
    templates.register_default("unit_test_tpl", subject="S {{ x }}", text="T")
    try:
        found = templates.default_source("unit_test_tpl", "zh_Hans")
        assert found is not None and found.subject == "S {{ x }}"
        assert "unit_test_tpl" in templates.template_names()
    finally:
        templates._DEFAULTS.pop(("unit_test_tpl", "en"))
