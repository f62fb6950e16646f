"""Signed email Message-IDs and the ticket token in subjects.

A Message-ID csops generates carries the ticket id and a full-length HMAC over
"ticket.random": `<t123.3f9a1c0e5b7d2a44.<64 hex>@domain>`. A reply's In-Reply-To /
References then proves which ticket it answers without a database lookup, and nobody can
forge one for a ticket they were never sent. The subject token "[#123]" is unsigned: the
caller must check that the sender owns the ticket.
"""

from __future__ import annotations

import hmac
import re
import secrets

from csops.signing import digest

__all__ = [
    "new_message_id",
    "subject_token",
    "ticket_id_from_message_id",
    "ticket_id_from_references",
    "ticket_id_from_subject",
]

_PURPOSE = "email-message-id"
_MID_RE = re.compile(r"<?t(\d{1,18})\.([0-9a-f]{16})\.([0-9a-f]{64})@[^>\s]+>?", re.IGNORECASE)
_SUBJECT_RE = re.compile(r"\[#(\d{1,18})\]")


def _sign(ticket_id: int, nonce: str) -> str:
    return digest(_PURPOSE, f"{ticket_id}.{nonce}")


def new_message_id(ticket_id: int, domain: str) -> str:
    """A fresh signed Message-ID (with angle brackets) for a mail about `ticket_id`."""
    nonce = secrets.token_hex(8)
    clean_domain = re.sub(r"[^A-Za-z0-9.-]", "", domain) or "csops.invalid"
    return f"<t{ticket_id}.{nonce}.{_sign(ticket_id, nonce)}@{clean_domain}>"


def ticket_id_from_message_id(mid: str) -> int | None:
    """The ticket of a csops-made Message-ID, None when foreign, malformed or forged."""
    match = _MID_RE.fullmatch(mid.strip())
    if match is None:
        return None
    ticket_id = int(match.group(1))
    nonce = match.group(2).lower()
    expected = _sign(ticket_id, nonce)
    if not hmac.compare_digest(expected, match.group(3).lower()):
        return None
    return ticket_id


def ticket_id_from_references(*headers: str | None) -> int | None:
    """The first csops ticket found in In-Reply-To / References values (newest last)."""
    for header in headers:
        if not header:
            continue
        for candidate in reversed(re.findall(r"<[^<>]+>", header)):
            found = ticket_id_from_message_id(candidate)
            if found is not None:
                return found
    return None


def subject_token(ticket_id: int) -> str:
    """The token put in the subject of every mail about a ticket, e.g. "[#123]"."""
    return f"[#{ticket_id}]"


def ticket_id_from_subject(subject: str | None) -> int | None:
    """The ticket named by a "[#123]" token in `subject` (unsigned: check ownership)."""
    if not subject:
        return None
    match = _SUBJECT_RE.search(subject)
    return int(match.group(1)) if match else None
