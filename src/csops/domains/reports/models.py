"""Tables of the reports domain: per-ticket KPI facts and public KPI share links."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from csops.clock import now
from csops.db import Base, str_enum


class ReportKind(enum.StrEnum):
    daily = "daily"
    weekly = "weekly"
    monthly = "monthly"


class KpiShare(Base):
    """A read-only public KPI page a manager shares with every team; revocable.

    Only the SHA-256 of the link's token is stored; the page shows aggregates, never
    customer names or organizations.
    """

    __tablename__ = "kpi_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Filter scope: {"days": 30, "team_id": 3, "service_id": null}
    scope: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


DIMENSIONS = ["team_id", "assignee_id", "service_id", "organization_id", "channel"]
CREATED_COVER = [*DIMENSIONS, "type", "first_response_seconds", "resolution_seconds"]
SOLVED_COVER = [*DIMENSIONS, "reopened", "public_replies"]


class TicketFact(Base):
    """One row per ticket with what the KPIs need, kept current by ticket hooks.

    Every value comes from an event when it happened (creation, the first public agent
    reply, the first 'solved', a reopening) and is never recomputed from mutable fields, so
    a KPI reads one narrow table instead of joining tickets, events and messages.
    `rebuild_facts()` recomputes the table from the events (repairs, imports, benchmarks).
    """

    __tablename__ = "ticket_facts"
    __table_args__ = (
        # Covering on PostgreSQL (INCLUDE), so the KPI queries read the index alone.
        Index("ix_ticket_facts_created_at", "created_at", postgresql_include=CREATED_COVER),
        Index(
            "ix_ticket_facts_first_solved_at", "first_solved_at", postgresql_include=SOLVED_COVER
        ),
        Index("ix_ticket_facts_team_created", "team_id", "created_at"),
    )

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime]
    team_id: Mapped[int | None] = mapped_column(Integer)
    assignee_id: Mapped[int | None] = mapped_column(Integer)
    service_id: Mapped[int | None] = mapped_column(Integer)
    organization_id: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(20))
    first_response_seconds: Mapped[float | None] = mapped_column(Float)
    first_solved_at: Mapped[datetime | None]
    resolution_seconds: Mapped[float | None] = mapped_column(Float)
    public_replies: Mapped[int] = mapped_column(Integer, default=0)
    reopened: Mapped[bool] = mapped_column(Boolean, default=False)


class ReportArchive(Base):
    """One generated report per kind and period (2026-11-21, 2026-W46, 2026-11), kept as
    HTML and PDF; generating a period again replaces it."""

    __tablename__ = "report_archive"
    __table_args__ = (UniqueConstraint("kind", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReportKind] = mapped_column(str_enum(ReportKind, "report_kind"))
    period_key: Mapped[str] = mapped_column(String(20))
    start: Mapped[datetime]
    end: Mapped[datetime]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)


class ReportSubscription(Base):
    """Who receives a kind of report by email: a user, or a bare address."""

    __tablename__ = "report_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReportKind] = mapped_column(str_enum(ReportKind, "report_kind"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=now)
