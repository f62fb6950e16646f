"""Build a MIME message (text + HTML alternatives) in which no header can be injected.

Every value that reaches a header goes through `clean_header()`, which removes CR, LF and
the other line-break characters; addresses are checked to be one plain address.
"""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from csops.integrations.ports import PermanentFailure

_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\x00]+")
_ADDR = re.compile(r"[^@\s<>\"(),;:\\\[\]]{1,64}@[A-Za-z0-9.-]{1,253}")
_MSGID = re.compile(r"<[^<>\s]{1,300}>")


def clean_header(value: str) -> str:
    """`value` on one line: line breaks (CR, LF, NEL, ...) become spaces."""
    return _BREAKS.sub(" ", value).strip()


def is_address(value: str) -> bool:
    """Whether `value` is one plain address (local@domain, no name, no list)."""
    return bool(_ADDR.fullmatch(value.strip()))


def _address(value: str, name: str = "") -> Address:
    addr = clean_header(value)
    if not _ADDR.fullmatch(addr):
        raise PermanentFailure(f"not a valid email address: {addr[:80]!r}")
    local, _, domain = addr.rpartition("@")
    return Address(display_name=clean_header(name)[:200], username=local, domain=domain)


def _ids(value: str) -> str:
    return " ".join(_MSGID.findall(clean_header(value)))


def build_email(
    *,
    from_name: str,
    from_address: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    reply_to: str | None = None,
    headers: dict[str, str] | None = None,
    date: object | None = None,
) -> EmailMessage:
    """One message: text/plain first, text/html as the preferred alternative."""
    msg = EmailMessage()
    msg["From"] = _address(from_address, from_name)
    msg["To"] = _address(to)
    if reply_to:
        msg["Reply-To"] = _address(reply_to)
    msg["Subject"] = clean_header(subject)[:900]
    msg["Message-ID"] = _ids(message_id) or "<invalid@csops.invalid>"
    if date is not None:
        msg["Date"] = format_datetime(date)  # type: ignore[arg-type]
    for name, value in (headers or {}).items():
        if name in ("In-Reply-To", "References"):
            ids = _ids(value)
            if ids:
                msg[name] = ids
        elif name in ("List-Unsubscribe", "List-Unsubscribe-Post", "Auto-Submitted"):
            msg[name] = clean_header(value)
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg
