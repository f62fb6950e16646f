"""Masking customer data in ticket evidence shown to engineers.

Engineers need the symptom, not the person: emails, phone numbers, card numbers (Luhn
checked, so order numbers survive) and the names we know (the requester's) are replaced
by placeholders. Seeing the original needs a stated reason, which is logged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
PHONE = re.compile(r"(?<![\w])\+?\d[\d ().-]{6,}\d(?![\w])")
GREETING_NAME = re.compile(
    r"(?P<lead>\b(?:my name is|i am|i'm|regards,|thanks,|cheers,|from:)\s+)"
    r"(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)",
    re.IGNORECASE,
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if 13 <= len(digits) <= 19 and luhn_ok(digits):
        return f"[card ••••{digits[-4:]}]"
    return match.group(0)


def _phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "[phone]" if 7 <= len(digits) <= 15 else match.group(0)


def mask(text: str, *, names: Iterable[str] = ()) -> str:
    """Return `text` with emails, card numbers, phones and the given names masked."""
    out = EMAIL.sub("[email]", text)
    out = CARD.sub(_card, out)
    out = PHONE.sub(_phone, out)
    for name in sorted(
        {n.strip() for n in names if n and len(n.strip()) > 1}, key=len, reverse=True
    ):
        out = re.sub(re.escape(name), "[name]", out, flags=re.IGNORECASE)
        for part in name.split():
            if len(part) > 2:
                out = re.sub(rf"\b{re.escape(part)}\b", "[name]", out, flags=re.IGNORECASE)
    return GREETING_NAME.sub(lambda m: f"{m.group('lead')}[name]", out)
