"""Raw email bytes into what a ticket needs: sender, subject, body, attachments, flags.

Built for the mail that real senders produce, not the mail RFCs describe: headers are
decoded by hand from their raw values (broken encoded words, undeclared 8-bit bytes),
every text part is decoded with fallbacks (declared charset, UTF-8, GB18030, Latin-1),
and a part that cannot be read becomes an attachment rather than an error. Only bytes that
are not an email at all raise ParseError.
"""

from __future__ import annotations

import email
import email.header
import email.utils
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import Message

from csops.domains.channels.quoting import strip_quotes
from csops.domains.tickets.sanitize import clean_html, html_to_text

_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "ks_c_5601-1987": "cp949",
}
_AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|out of (the )?office|autoreply|自动回复)", re.I
)
_BOUNCE_LOCALPARTS = {"mailer-daemon", "postmaster", "mail-daemon"}


class ParseError(ValueError):
    """The bytes are not an email."""


@dataclass
class MailPart:
    filename: str
    content_type: str
    data: bytes
    content_id: str | None = None


@dataclass
class ParsedMail:
    sender: str | None
    sender_name: str | None
    to: list[str]
    subject: str
    date: datetime | None
    message_id: str | None
    in_reply_to: str | None
    references: str | None
    text: str
    html: str | None
    shown: str
    attachments: list[MailPart] = field(default_factory=list)
    auto: str | None = None
    defects: list[str] = field(default_factory=list)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Text from bytes: the declared charset, else UTF-8, else GB18030, else Latin-1."""
    tried = []
    if declared:
        name = declared.strip().strip('"').lower()
        tried.append(_ALIASES.get(name, name))
    tried += ["utf-8", "gb18030"]
    for charset in tried:
        try:
            return data.decode(charset).replace("\x00", "")
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1").replace("\x00", "")


def _unescape(value: str) -> str:
    """Undeclared 8-bit header bytes arrive as surrogate escapes; decode them properly."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return decode_bytes(value.encode("utf-8", "surrogateescape"))


def decode_header_value(value: str) -> str:
    """A raw header value with its RFC 2047 encoded words decoded, charsets forgiven."""
    value = re.sub(r"\r?\n[ \t]+", " ", _unescape(value)).replace("\x00", "")
    try:
        chunks = email.header.decode_header(value)
    except (ValueError, IndexError, AssertionError):
        return value.strip()
    parts: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            parts.append(chunk)
        else:
            parts.append(decode_bytes(chunk, charset))
    joined = "".join(parts)
    return re.sub(r"\s+", " ", joined).strip()


def header(msg: Message, name: str) -> str | None:
    """The first value of a header, decoded; None when absent."""
    for key, raw in msg.raw_items():
        if key.lower() == name.lower():
            return decode_header_value(str(raw))
    return None


def _address(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    name, address = email.utils.parseaddr(value)
    address = address.strip().strip("<>").lower()
    if "@" not in address or " " in address:
        found = re.search(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+", value)
        address = found.group(0).lower() if found else ""
    return (address or None), (name.strip() or None)


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 (a broken transfer encoding: keep the bytes as sent)
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _filename(part: Message, index: int) -> str | None:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 (a malformed RFC 2231 parameter)
        name = None
    return decode_header_value(name) if name else None


def _is_attachment(part: Message, filename: str | None) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment":
        return True
    if part.get_content_maintype() != "text":
        return True
    return (
        filename is not None
        and disposition == "inline"
        and part.get_content_subtype()
        not in (
            "plain",
            "html",
        )
    )


def _leaf_parts(msg: Message) -> list[Message]:
    """Every leaf part, without descending into attached messages (they stay attachments)."""
    if msg.is_multipart() and msg.get_content_maintype() != "message":
        payload = msg.get_payload()
        children = payload if isinstance(payload, list) else []
        return [
            leaf for child in children if isinstance(child, Message) for leaf in _leaf_parts(child)
        ]
    return [msg]


def _attachment(part: Message, filename: str | None, index: int) -> MailPart:
    content_type = part.get_content_type()
    if content_type == "message/rfc822" or part.get_content_maintype() == "message":
        payload = part.get_payload()
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            data = payload[0].as_bytes()
        else:
            data = _payload(part)
    else:
        data = _payload(part)
    if not filename:
        fallback = ".txt" if part.get_content_maintype() == "text" else ".bin"
        extension = mimetypes.guess_extension(content_type) or fallback
        if content_type == "message/rfc822":
            extension = ".eml"
        filename = f"attachment-{index}{extension}"
    content_id = part.get("Content-ID")
    return MailPart(
        filename=filename,
        content_type=content_type,
        data=data,
        content_id=str(content_id).strip("<> ") if content_id else None,
    )


def _bodies(msg: Message) -> tuple[str | None, str | None, list[MailPart]]:
    text: str | None = None
    html: str | None = None
    attachments: list[MailPart] = []
    for index, part in enumerate(_leaf_parts(msg), start=1):
        filename = _filename(part, index)
        subtype = part.get_content_subtype()
        if _is_attachment(part, filename) or (filename and (text or html)):
            if part.get_content_type() != "message/delivery-status":
                attachments.append(_attachment(part, filename, index))
            continue
        if subtype not in ("plain", "html") or (subtype == "html" and html is not None):
            attachments.append(_attachment(part, filename, index))
            continue
        if subtype == "plain" and text is not None:
            attachments.append(_attachment(part, filename, index))
            continue
        decoded = decode_bytes(_payload(part), part.get_content_charset())
        if subtype == "html":
            html = decoded
        else:
            text = decoded
    return text, html, attachments


def auto_kind(msg: Message, sender: str | None) -> str | None:
    """'bounce', 'auto-reply' or 'list' for mail that must never be answered, else None."""
    local = (sender or "").split("@", 1)[0]
    content_type = msg.get_content_type()
    report = (msg.get_param("report-type") or "") if content_type == "multipart/report" else ""
    if local in _BOUNCE_LOCALPARTS or str(report).lower() == "delivery-status":
        return "bounce"
    submitted = (header(msg, "Auto-Submitted") or "no").strip().lower()
    if submitted != "no" or header(msg, "X-Autoreply") or header(msg, "X-Autorespond"):
        return "auto-reply"
    if (header(msg, "X-Auto-Response-Suppress") or "").lower() in ("all", "oof"):
        return "auto-reply"
    if _AUTO_SUBJECT.match(header(msg, "Subject") or ""):
        return "auto-reply"
    precedence = (header(msg, "Precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "list") or header(msg, "List-Id"):
        return "list"
    return None


def _date(msg: Message) -> datetime | None:
    value = header(msg, "Date")
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else None


def _message(raw: bytes) -> Message:
    if not raw.strip():
        raise ParseError("the message is empty")
    head = raw.lstrip()[:2000]
    if not re.match(rb"^(From |[\x21-\x39\x3b-\x7e]+:)", head):
        raise ParseError("the message has no header")
    try:
        return email.message_from_bytes(raw, policy=policy.compat32)
    except Exception as exc:  # noqa: BLE001 (the parser's failures are not typed)
        raise ParseError(f"the message cannot be parsed: {exc}") from exc


def parse_email(raw: bytes) -> ParsedMail:
    """Everything intake needs from one message; ParseError when it is not an email."""
    msg = _message(raw)
    sender, sender_name = _address(header(msg, "From"))
    if sender is None:
        sender, sender_name = _address(header(msg, "Sender") or header(msg, "Reply-To"))
    text, html_raw, attachments = _bodies(msg)
    html = clean_html(html_raw) if html_raw else None
    full_text = text if text and text.strip() else (html_to_text(html) if html else "")
    to = [addr.lower() for _, addr in email.utils.getaddresses([header(msg, "To") or ""]) if addr]
    return ParsedMail(
        sender=sender,
        sender_name=sender_name,
        to=to,
        subject=(header(msg, "Subject") or "")[:250],
        date=_date(msg),
        message_id=(header(msg, "Message-ID") or "").strip()[:500] or None,
        in_reply_to=header(msg, "In-Reply-To"),
        references=header(msg, "References"),
        text=full_text.strip(),
        html=html,
        shown=strip_quotes(full_text) if full_text.strip() else "",
        attachments=attachments,
        auto=auto_kind(msg, sender),
        defects=[type(defect).__name__ for defect in msg.defects],
    )
