"""The message catalogs stay complete and compiled; locale selection and formatting work."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from csops.i18n import (
    LOCALES_DIR,
    SUPPORTED,
    format_datetime,
    get_locale,
    get_translations,
    gettext,
    negotiate,
    ngettext,
    use_locale,
)
from csops.i18n.labels import PRIORITY_LABELS, STATUS_LABELS, TYPE_LABELS


def _po(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"


def test_every_supported_locale_has_a_catalog() -> None:
    for locale in SUPPORTED:
        assert _po(locale).is_file()
        assert _po(locale).with_suffix(".mo").is_file()


def _translated(string: object) -> bool:
    return all(string) if isinstance(string, tuple | list) else bool(string)


def test_zh_hans_catalog_is_complete_and_not_fuzzy() -> None:
    with _po("zh_Hans").open("rb") as f:
        catalog = read_po(f, locale="zh_Hans")
    messages = [m for m in catalog if m.id]
    assert len(messages) >= 100
    missing = [m.id for m in messages if not _translated(m.string)]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert missing == [], f"untranslated in zh_Hans: {missing}"
    assert fuzzy == [], f"fuzzy in zh_Hans: {fuzzy}"


@pytest.mark.parametrize("locale", SUPPORTED)
def test_mo_is_up_to_date_with_po(locale: str) -> None:
    with _po(locale).open("rb") as f:
        catalog = read_po(f, locale=locale)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    fresh = Translations(fp=buf)
    with _po(locale).with_suffix(".mo").open("rb") as f:
        committed = Translations(fp=f)
    fresh_msgs = {k: v for k, v in fresh._catalog.items() if k != ""}
    committed_msgs = {k: v for k, v in committed._catalog.items() if k != ""}
    assert committed_msgs == fresh_msgs, "run `make i18n` to recompile the catalogs"


def test_gettext_follows_the_current_locale() -> None:
    assert get_locale() == "en"
    assert gettext("Inbox") == "Inbox"
    with use_locale("zh_Hans"):
        assert get_locale() == "zh_Hans"
        assert gettext("Inbox") == "收件箱"
        assert gettext(STATUS_LABELS["on-hold"]) == "搁置"
        assert ngettext("%(num)d ticket", "%(num)d tickets", 3) == "3 个工单"
        with use_locale("en"):
            assert gettext("Inbox") == "Inbox"
        assert gettext("Inbox") == "收件箱"
    assert get_locale() == "en"
    assert ngettext("%(num)d ticket", "%(num)d tickets", 1) == "1 ticket"
    assert ngettext("%(num)d ticket", "%(num)d tickets", 2) == "2 tickets"
    assert gettext("Not in any catalog") == "Not in any catalog"


def test_labels_are_translated() -> None:
    zh = get_translations("zh_Hans")
    for label in [*STATUS_LABELS.values(), *PRIORITY_LABELS.values(), *TYPE_LABELS.values()]:
        assert zh.gettext(label) != label


def test_unknown_locale_falls_back_to_english() -> None:
    with use_locale("fr"):
        assert get_locale() == "en"
        assert gettext("Inbox") == "Inbox"
    assert get_translations("xx").gettext("Inbox") == "Inbox"


@pytest.mark.parametrize(
    ("header", "pref", "expected"),
    [
        ("zh-CN,zh;q=0.9", None, "zh_Hans"),
        ("zh-Hans-CN", None, "zh_Hans"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", None, "en"),
        ("fr-FR, zh;q=0.5, en;q=0.1", None, "zh_Hans"),
        ("en;q=0.2, zh-CN;q=0.9", None, "zh_Hans"),
        ("zh-CN;q=0", None, "en"),
        ("junk;;;q=abc,,", None, "en"),
        ("%%%, ☃", None, "en"),
        ("", None, "en"),
        (None, None, "en"),
        ("*", None, "en"),
        ("en-US", "zh_Hans", "zh_Hans"),
        ("zh-CN", "en", "en"),
        ("zh-CN", "klingon", "zh_Hans"),
    ],
)
def test_negotiate(header: str | None, pref: str | None, expected: str) -> None:
    assert negotiate(header, pref) == expected


def test_format_datetime_uses_locale_and_zone() -> None:
    moment = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    english = format_datetime(moment, "en", "UTC")
    assert "Jan 2, 2025" in english and "3:04:05" in english
    shanghai = format_datetime(moment, "zh_Hans", "Asia/Shanghai")
    assert "2025年1月2日" in shanghai and "11:04:05" in shanghai
    naive = dt.datetime(2025, 1, 2, 3, 4, 5)  # noqa: DTZ001 - naive is read as UTC
    assert format_datetime(naive, "en", dt.UTC, format="short").startswith("1/2/25, 3:04")
    with use_locale("zh_Hans"):
        assert "2025" in format_datetime(moment)


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("locale", SUPPORTED)
def test_translations_keep_every_placeholder(locale: str) -> None:
    """A translation that drops or renames %(name)s would fail at render time."""
    with _po(locale).open("rb") as f:
        catalog = read_po(f, locale=locale)
    wrong = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        wanted = set().union(*(_placeholders(i) for i in ids))
        for string in strings:
            if string and _placeholders(string) - wanted:
                wrong.append((ids[0], string))
            elif string and len(ids) == 1 and _placeholders(string) != wanted:
                wrong.append((ids[0], string))
    assert wrong == []
