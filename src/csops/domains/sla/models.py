"""Tables of the sla domain: calendars, ordered policies, per-ticket targets, SLA events.

`ticket_slas` holds the live state of one target of one ticket (first response, next
response, resolution): its clock start, pauses, deadline and status, and a `token` that
every planned warning job carries; re-planning bumps the token, so older jobs exit.
`sla_events` is the append-only history (started, warning, breached, achieved, paused,
resumed, escalated) that KPIs read.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from csops.clock import now
from csops.db import Base, JSONType, str_enum


class Metric(enum.StrEnum):
    first_response = "first_response"
    next_response = "next_response"
    resolution = "resolution"


class SlaStatus(enum.StrEnum):
    active = "active"
    paused = "paused"
    achieved = "achieved"
    breached = "breached"


class SlaEventKind(enum.StrEnum):
    started = "started"
    warning = "warning"
    breached = "breached"
    achieved = "achieved"
    paused = "paused"
    resumed = "resumed"
    escalated = "escalated"


class SlaCalendar(Base):
    __tablename__ = "sla_calendars"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    hours: Mapped[dict[str, Any]] = mapped_column(default=dict)
    holiday_country: Mapped[str | None] = mapped_column(String(8))
    holiday_subdiv: Mapped[str | None] = mapped_column(String(16))
    custom_holidays: Mapped[list[str]] = mapped_column(default=list)
    always_open: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=now)


class SlaPolicy(Base):
    """Matched in `position` order; the first policy whose conditions all hold applies."""

    __tablename__ = "sla_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0, index=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    conditions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    calendar_id: Mapped[int | None] = mapped_column(
        ForeignKey("sla_calendars.id", ondelete="SET NULL"), index=True
    )
    business_hours: Mapped[bool] = mapped_column(Boolean, default=True)
    first_response_minutes: Mapped[int | None] = mapped_column(Integer)
    next_response_minutes: Mapped[int | None] = mapped_column(Integer)
    resolution_minutes: Mapped[int | None] = mapped_column(Integer)
    pause_on_pending: Mapped[bool] = mapped_column(Boolean, default=True)
    pause_on_hold: Mapped[bool] = mapped_column(Boolean, default=True)
    warn_percents: Mapped[list[int]] = mapped_column(JSONType, default=list)
    escalate: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class TicketSla(Base):
    __tablename__ = "ticket_slas"
    __table_args__ = (
        UniqueConstraint("ticket_id", "metric"),
        Index("ix_ticket_slas_status_target", "status", "target_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("sla_policies.id", ondelete="SET NULL"), index=True
    )
    metric: Mapped[Metric] = mapped_column(str_enum(Metric, "sla_metric"))
    status: Mapped[SlaStatus] = mapped_column(str_enum(SlaStatus, "sla_status"))
    cycle: Mapped[int] = mapped_column(Integer, default=1)
    target_minutes: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    target_at: Mapped[datetime | None]
    pauses: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    achieved_at: Mapped[datetime | None]
    breached_at: Mapped[datetime | None]
    warned: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    token: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class SlaEvent(Base):
    __tablename__ = "sla_events"
    __table_args__ = (Index("ix_sla_events_kind_at", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("sla_policies.id", ondelete="SET NULL")
    )
    metric: Mapped[Metric] = mapped_column(str_enum(Metric, "sla_metric"))
    kind: Mapped[SlaEventKind] = mapped_column(str_enum(SlaEventKind, "sla_event_kind"))
    cycle: Mapped[int] = mapped_column(Integer, default=1)
    percent: Mapped[int | None] = mapped_column(Integer)
    target_at: Mapped[datetime | None]
    at: Mapped[datetime] = mapped_column(default=now)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
