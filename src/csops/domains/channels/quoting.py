"""What a person wrote in an email, without the quoted history and signature under it.

Pure text functions: the shown body of a message is cut at the first reply header that
mail clients write (Gmail "On ... wrote:", Outlook "-----Original Message-----" or a
"From:/Sent:" block, Chinese "在...写道"), at a signature separator ("-- ") or a
"Sent from my ..." line, and ">"-quoted lines are dropped. The full original is kept
elsewhere (the raw message), so cutting too much hides text but never loses it.
"""

from __future__ import annotations

import re

_REPLY_HEADERS = [
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Le\b.{0,300}a écrit\s*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Am\b.{0,300}schrieb.{0,100}:\s*$", re.IGNORECASE),
    re.compile(r"^\s*在.{0,300}写道\s*[:：]?\s*$"),
    re.compile(r"^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|原始邮件)\s*-{2,}", re.I),
    re.compile(r"^\s*-{2,}\s*Forwarded message\s*-{2,}", re.IGNORECASE),
]
_HEADER_BLOCK_START = re.compile(r"^\s*\*?(From|发件人|De|Von)\s*\*?\s*[:：]", re.IGNORECASE)
_HEADER_BLOCK_NEXT = re.compile(
    r"^\s*\*?(Sent|Date|To|Subject|发送时间|日期|收件人|主题|Envoyé|Gesendet)\s*\*?\s*[:：]",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^(-- ?|—— ?)$")
_SENT_FROM = re.compile(r"^\s*(Sent from my \w+|Get Outlook for \w+|发自我的\w+)", re.IGNORECASE)
_UNDERSCORES = re.compile(r"^\s*_{8,}\s*$")


def _joined_header(lines: list[str], index: int) -> bool:
    """Gmail wraps a long "On <date>, <name> <address>" line before "wrote:"."""
    if index + 1 >= len(lines):
        return False
    pair = lines[index].rstrip() + " " + lines[index + 1].strip()
    return any(pattern.match(pair) for pattern in _REPLY_HEADERS[:4])


def _is_header_block(lines: list[str], index: int) -> bool:
    if not _HEADER_BLOCK_START.match(lines[index]):
        return False
    window = lines[index + 1 : index + 5]
    return sum(1 for line in window if _HEADER_BLOCK_NEXT.match(line)) >= 1


def _cut_index(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if any(pattern.match(line) for pattern in _REPLY_HEADERS):
            return index
        if _joined_header(lines, index) or _is_header_block(lines, index):
            return index
        if (
            _UNDERSCORES.match(line)
            and index + 1 < len(lines)
            and _is_header_block(lines, index + 1)
        ):
            return index
        if _SIGNATURE.match(line) or _SENT_FROM.match(line):
            return index
    return len(lines)


def strip_quotes(text: str) -> str:
    """The new text of a reply; the whole text when stripping would leave nothing."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = [line for line in lines[: _cut_index(lines)] if not line.lstrip().startswith(">")]
    shown = "\n".join(kept).strip()
    shown = re.sub(r"\n{3,}", "\n\n", shown)
    return shown or text.strip()
