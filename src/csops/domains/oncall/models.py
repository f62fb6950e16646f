"""Tables of the oncall domain: schedules, layers, overrides, policies, pages, drills,
maintenance windows.

`incident_id` on pages is a plain indexed integer (no FK): incidents belong to a later
domain and a page outlives the incident row that caused it.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from csops.clock import now
from csops.db import Base, JSONType, str_enum


class ScheduleRole(enum.StrEnum):
    primary = "primary"
    backup = "backup"


class RotationKind(enum.StrEnum):
    daily = "daily"
    weekly = "weekly"
    custom = "custom"


class PageStatus(enum.StrEnum):
    triggered = "triggered"
    acknowledged = "acknowledged"
    resolved = "resolved"


class DrillStatus(enum.StrEnum):
    scheduled = "scheduled"
    running = "running"
    completed = "completed"
    cancelled = "cancelled"


class Schedule(Base):
    __tablename__ = "oncall_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[ScheduleRole] = mapped_column(
        str_enum(ScheduleRole, "schedule_role"), default=ScheduleRole.primary
    )
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(default=now)

    layers: Mapped[list[Layer]] = relationship(
        back_populates="schedule",
        cascade="all, delete-orphan",
        order_by="Layer.position",
        lazy="selectin",
    )


class Layer(Base):
    """A rotation; a layer with a higher `position` overrides the ones below it."""

    __tablename__ = "oncall_layers"

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("oncall_schedules.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    participant_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    rotation: Mapped[RotationKind] = mapped_column(
        str_enum(RotationKind, "rotation_kind"), default=RotationKind.weekly
    )
    shift_hours: Mapped[int] = mapped_column(Integer, default=168)
    # Local wall-clock start of the first shift, in the schedule's time zone.
    starts_local: Mapped[str] = mapped_column(String(19))
    restrictions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)

    schedule: Mapped[Schedule] = relationship(back_populates="layers")


class Override(Base):
    """`user_id` is on call instead; with `replaces_user_id` only over that user's shifts."""

    __tablename__ = "oncall_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("oncall_schedules.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    replaces_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    swap_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=now)


class Policy(Base):
    __tablename__ = "oncall_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    repeat: Mapped[int] = mapped_column(Integer, default=0)
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=now)

    levels: Mapped[list[PolicyLevel]] = relationship(
        back_populates="policy",
        cascade="all, delete-orphan",
        order_by="PolicyLevel.position",
        lazy="selectin",
    )


class PolicyLevel(Base):
    """Targets: [{"kind": "user"|"schedule"|"team", "id": int}, ...]."""

    __tablename__ = "oncall_policy_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(
        ForeignKey("oncall_policies.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    timeout_minutes: Mapped[int] = mapped_column(Integer, default=15)
    targets: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)

    policy: Mapped[Policy] = relationship(back_populates="levels")


class Page(Base):
    __tablename__ = "oncall_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    details: Mapped[str] = mapped_column(Text, default="")
    dedup_key: Mapped[str] = mapped_column(String(300), index=True)
    source: Mapped[str] = mapped_column(String(50), default="manual")
    status: Mapped[PageStatus] = mapped_column(
        str_enum(PageStatus, "page_status"), default=PageStatus.triggered, index=True
    )
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    incident_id: Mapped[int | None] = mapped_column(Integer, index=True)
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("oncall_policies.id", ondelete="SET NULL")
    )
    is_drill: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_count: Mapped[int] = mapped_column(Integer, default=1)
    level_index: Mapped[int] = mapped_column(Integer, default=0)
    cycle: Mapped[int] = mapped_column(Integer, default=0)
    # Each escalation timer carries the token it was planned with; a changed token
    # (acknowledged, resolved, re-planned) makes older timers no-ops.
    timer_token: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
    last_triggered_at: Mapped[datetime] = mapped_column(default=now)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    joined_at: Mapped[datetime | None]
    joined_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PageNotification(Base):
    """Who was told about a page, at which level and cycle of its policy."""

    __tablename__ = "oncall_page_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(
        ForeignKey("oncall_pages.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    level_index: Mapped[int] = mapped_column(Integer, default=0)
    cycle: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Drill(Base):
    """An unannounced drill and its result (time to acknowledge, time to join)."""

    __tablename__ = "oncall_drills"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[DrillStatus] = mapped_column(
        str_enum(DrillStatus, "drill_status"), default=DrillStatus.scheduled
    )
    scheduled_for: Mapped[datetime] = mapped_column(index=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("oncall_pages.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    joined_at: Mapped[datetime | None]
    seconds_to_ack: Mapped[int | None] = mapped_column(Integer)
    seconds_to_join: Mapped[int | None] = mapped_column(Integer)
    levels_reached: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class MaintenanceWindow(Base):
    __tablename__ = "oncall_maintenance"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column(index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)


class PageSuppression(Base):
    """A trigger swallowed by a maintenance window, kept so nothing is silently lost."""

    __tablename__ = "oncall_suppressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    maintenance_id: Mapped[int | None] = mapped_column(
        ForeignKey("oncall_maintenance.id", ondelete="SET NULL"), index=True
    )
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    dedup_key: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(default=now)
