"""Response excerpts: cut to size, then personal data and tokens masked before storage."""

from __future__ import annotations

import re

PATTERNS = (
    (re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]{8,}"), "Bearer [token]"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\b"), "[token]"),
    (
        re.compile(
            r"(?i)(\"?(?:password|passwd|secret|token|api[_-]?key|access_token|csrf_token)\"?"
            r"\s*[:=]\s*\"?)([^\"\s,&}]{3,})"
        ),
        r"\1[redacted]",
    ),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), "[email]"),
    (re.compile(r"\b(?:\d[ -]?){13,19}\b"), "[card]"),
    (re.compile(r"\b[A-Za-z0-9_-]{32,}\b"), "[token]"),
)


PHONE = re.compile(r"(?<![\w.:-])\+?\d[\d ().-]{7,}\d(?![\w.:-])")


def _phone(match: re.Match[str]) -> str:
    value = match.group(0)
    digits = sum(c.isdigit() for c in value)
    return "[phone]" if digits >= 9 and not re.fullmatch(r"\d{4}-\d\d-\d\d", value) else value


def redact(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return PHONE.sub(_phone, text)


def excerpt(text: str, limit: int) -> str:
    """At most `limit` characters, redacted (cut first so the work is bounded)."""
    cut = text[: limit + 64]
    out = redact(cut)
    return out[:limit] + ("…" if len(out) > limit or len(text) > limit + 64 else "")
