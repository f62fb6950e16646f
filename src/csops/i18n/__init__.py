"""UI language: Babel message catalogs, the current locale, negotiation and date formatting.

The current locale lives in a context variable so that one ``gettext`` works in templates
(installed into Jinja with ``env.install_gettext_callables(gettext, ngettext, newstyle=True)``),
in web handlers and in jobs, without threading a translator through every call. The web layer
sets it per request with ``use_locale(negotiate(header, user.locale))``.

Catalogs live in ``locales/<locale>/LC_MESSAGES/messages.po`` (compiled ``.mo`` committed).
``make i18n`` re-extracts, merges and compiles them. Strings that are only translated
dynamically (enum labels) are marked in ``csops.i18n.labels`` so extraction keeps them.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from babel import Locale
from babel.dates import format_datetime as _babel_format_datetime
from babel.dates import get_timezone
from babel.support import Translations

__all__ = [
    "DEFAULT_LOCALE",
    "LOCALES_DIR",
    "SUPPORTED",
    "format_datetime",
    "get_locale",
    "get_translations",
    "gettext",
    "negotiate",
    "ngettext",
    "normalize_locale",
    "reset_locale",
    "set_locale",
    "use_locale",
]

SUPPORTED: tuple[str, ...] = ("en", "zh_Hans")
DEFAULT_LOCALE = "en"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"

_current: contextvars.ContextVar[str] = contextvars.ContextVar(
    "csops_locale", default=DEFAULT_LOCALE
)

# Language tags (lower-cased, "-" separated) that mean Simplified Chinese.
_HANS_TAGS = {"zh", "zh-hans", "zh-cn", "zh-sg", "zh-my", "zh-hans-cn", "zh-hans-sg"}
_TAG_RE = re.compile(r"^[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$|^\*$")


@functools.lru_cache(maxsize=len(SUPPORTED) + 1)
def get_translations(locale: str) -> Translations:
    """The compiled catalog for ``locale`` (cached); empty (identity) if none is compiled."""
    name = normalize_locale(locale) or DEFAULT_LOCALE
    mo = LOCALES_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not mo.is_file():
        return Translations(domain=DOMAIN)
    with mo.open("rb") as fp:
        return Translations(fp=fp, domain=DOMAIN)


def normalize_locale(tag: str | None) -> str | None:
    """Map a language tag (``zh-CN``, ``zh_Hans``, ``en-GB``) to a SUPPORTED locale, or None."""
    if not tag:
        return None
    t = tag.strip().replace("_", "-").lower()
    if t in _HANS_TAGS:
        return "zh_Hans"
    if t == "en" or t.startswith("en-"):
        return "en"
    return None


def get_locale() -> str:
    """The locale of the current context (request, job, CLI command)."""
    return _current.get()


def set_locale(locale: str) -> contextvars.Token[str]:
    """Set the current locale; keep the token to ``reset_locale`` it afterwards."""
    return _current.set(normalize_locale(locale) or DEFAULT_LOCALE)


def reset_locale(token: contextvars.Token[str]) -> None:
    _current.reset(token)


@contextmanager
def use_locale(locale: str) -> Iterator[str]:
    """``with use_locale("zh_Hans"): ...`` — translate in that locale inside the block."""
    token = set_locale(locale)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def gettext(message: str, **variables: object) -> str:
    """Translate ``message`` into the current locale; ``%(name)s`` filled from ``variables``."""
    rv = get_translations(_current.get()).gettext(message)
    return rv % variables if variables else rv


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    """Plural-aware translation; ``%(num)d`` is filled with ``n`` (as Jinja's newstyle does)."""
    rv = get_translations(_current.get()).ngettext(singular, plural, n)
    return rv % {"num": n, **variables}


def _parse_accept_language(header: str) -> list[str]:
    """Language tags of an Accept-Language header, best first (q=0 dropped, junk ignored)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or not _TAG_RE.match(tag):
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            weighted.append((-q, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(accept_language: str | None, user_pref: str | None = None) -> str:
    """Pick the UI locale: the user's saved preference, else the browser's, else English."""
    preferred = normalize_locale(user_pref)
    if preferred:
        return preferred
    for tag in _parse_accept_language(accept_language or ""):
        if tag == "*":
            return DEFAULT_LOCALE
        found = normalize_locale(tag)
        if found:
            return found
    return DEFAULT_LOCALE


def format_datetime(
    value: dt.datetime,
    locale: str | None = None,
    tz: str | dt.tzinfo | None = None,
    *,
    format: Literal["full", "long", "medium", "short"] | str = "medium",  # noqa: A002
) -> str:
    """Format an aware (naive = UTC) datetime in the viewer's locale and time zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    zone = get_timezone(tz) if isinstance(tz, str) else (tz or dt.UTC)
    babel_locale = Locale.parse(normalize_locale(locale or get_locale()) or DEFAULT_LOCALE)
    return _babel_format_datetime(value, format=format, tzinfo=zone, locale=babel_locale)
