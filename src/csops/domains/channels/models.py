"""Tables of the channels domain: every email received, kept raw, with what became of it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from csops.clock import now
from csops.db import Base, str_enum


class InboundStatus(enum.StrEnum):
    accepted = "accepted"  # became a ticket or a message of one
    quarantined = "quarantined"  # kept for an admin to look at and retry
    ignored = "ignored"  # auto-reply, bounce or list mail with no ticket to join


class InboundMail(Base):
    """One received email. `raw` holds the exact bytes, whatever became of them."""

    __tablename__ = "inbound_mail"
    __table_args__ = (Index("ix_inbound_mail_sender_received", "sender", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)
    source: Mapped[str] = mapped_column(String(20), default="smtp")
    envelope_from: Mapped[str] = mapped_column(String(320), default="")
    envelope_to: Mapped[list[str]] = mapped_column(default=list)
    sender: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(250), default="")
    header_message_id: Mapped[str | None] = mapped_column(String(500), index=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[InboundStatus] = mapped_column(
        str_enum(InboundStatus, "inbound_status"), index=True
    )
    reason: Mapped[str | None] = mapped_column(String(500))
    is_auto: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), index=True
    )
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), index=True
    )
