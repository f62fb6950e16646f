"""Pydantic shapes of the channels domain (inbound email)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from csops.domains.channels.models import InboundMail, InboundStatus

RAW_PREVIEW = 64 * 1024


class InboundMailOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    received_at: datetime
    source: str
    envelope_from: str
    envelope_to: list[str]
    sender: str | None
    subject: str
    header_message_id: str | None
    size: int
    status: InboundStatus
    reason: str | None
    is_auto: bool
    attempts: int
    ticket_id: int | None
    message_id: int | None


class InboundMailDetail(InboundMailOut):
    raw_preview: str
    raw_truncated: bool


def raw_preview(mail: InboundMail) -> tuple[str, bool]:
    """The start of the raw message as text, and whether it was cut."""
    text = mail.raw[:RAW_PREVIEW].decode("utf-8", "replace")
    return text, len(mail.raw) > RAW_PREVIEW


def detail(mail: InboundMail) -> InboundMailDetail:
    preview, truncated = raw_preview(mail)
    base = InboundMailOut.model_validate(mail).model_dump()
    return InboundMailDetail(**base, raw_preview=preview, raw_truncated=truncated)
