"""Tables of the intake domain: inbound webhook sources and deliveries, web-form submissions.

Everything received is kept: every delivery's raw body (signed or not, mappable or not) and
every form submission (spam included, marked as such).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from csops.clock import now
from csops.db import Base, str_enum


class DeliveryStatus(enum.StrEnum):
    accepted = "accepted"  # a ticket was made
    unmappable = "unmappable"  # signed, but the mapping found no subject/requester
    rejected = "rejected"  # signature, timestamp or source refused


class WebhookSource(Base):
    __tablename__ = "intake_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # Kept as is: Standard Webhooks verification needs the key itself (shown once to admins).
    secret: Mapped[str] = mapped_column(String(120))
    mapping: Mapped[dict[str, Any]] = mapped_column(default=dict)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    rotated_at: Mapped[datetime | None]


class WebhookDelivery(Base):
    __tablename__ = "intake_deliveries"
    __table_args__ = (
        # Set only once the signature is verified, so a forged id cannot squat a real one.
        UniqueConstraint("source_id", "idempotency_key"),
        Index("ix_intake_deliveries_source_received", "source_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("intake_sources.id", ondelete="CASCADE")
    )
    source_slug: Mapped[str] = mapped_column(String(64))
    webhook_id: Mapped[str] = mapped_column(String(200), default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus, "delivery_status"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    raw_body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime] = mapped_column(default=now)


class FormSubmission(Base):
    """A web-form request: its ticket is hidden from the customer until `verified_at`."""

    __tablename__ = "intake_submissions"
    __table_args__ = (
        Index("ix_intake_submissions_ip_created", "ip", "created_at"),
        Index("ix_intake_submissions_email_created", "email", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(250), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    is_spam: Mapped[bool] = mapped_column(default=False)
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now)
    verified_at: Mapped[datetime | None]
