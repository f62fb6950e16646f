"""Tables of the journeys domain: environments, journeys (their YAML text), runs with
per-step results, the failure streak per journey and environment, configuration drift
snapshots and warnings, and deployment gate records.

`incident_id` columns are plain integers on purpose (no foreign key): the incidents
tables belong to another domain and a deleted incident must not take run history along.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from csops.clock import now
from csops.db import Base, JSONType, str_enum


class RunStatus(enum.StrEnum):
    passed = "passed"
    failed = "failed"
    error = "error"
    skipped = "skipped"


class DriftKind(enum.StrEnum):
    added = "added"
    removed = "removed"
    changed = "changed"


class Environment(Base):
    __tablename__ = "journey_environments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    base_url: Mapped[str] = mapped_column(String(500))
    variables: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    schedule: Mapped[str | None] = mapped_column(String(100))
    allowed_hosts: Mapped[list[str]] = mapped_column(JSONType, default=list)
    timeout_s: Mapped[float] = mapped_column(Float, default=10.0)
    production: Mapped[bool] = mapped_column(Boolean, default=False)
    probes: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    drift_allow: Mapped[list[str]] = mapped_column(JSONType, default=list)
    next_run_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now)


class Journey(Base):
    __tablename__ = "journeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    spec_text: Mapped[str] = mapped_column(Text)
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class JourneyRun(Base):
    __tablename__ = "journey_runs"
    __table_args__ = (
        Index("ix_journey_runs_pair_started", "journey_id", "environment_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    environment_id: Mapped[int] = mapped_column(
        ForeignKey("journey_environments.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[RunStatus] = mapped_column(str_enum(RunStatus, "journey_run_status"))
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    started_at: Mapped[datetime] = mapped_column(index=True)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    steps: Mapped[list[Any]] = mapped_column(JSONType, default=list)

    journey: Mapped[Journey] = relationship(lazy="joined")
    environment: Mapped[Environment] = relationship(lazy="joined")


class JourneyHealth(Base):
    """The failure streak of one journey in one environment, and what it opened."""

    __tablename__ = "journey_health"
    __table_args__ = (UniqueConstraint("journey_id", "environment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    environment_id: Mapped[int] = mapped_column(
        ForeignKey("journey_environments.id", ondelete="CASCADE")
    )
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_status: Mapped[RunStatus | None] = mapped_column(
        str_enum(RunStatus, "journey_health_status")
    )
    green_since: Mapped[datetime | None] = mapped_column()
    failing_since: Mapped[datetime | None] = mapped_column()
    incident_id: Mapped[int | None] = mapped_column(Integer)


class DriftSnapshot(Base):
    __tablename__ = "journey_drift_snapshots"
    __table_args__ = (Index("ix_journey_drift_snapshots_env_probe", "environment_id", "probe"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    environment_id: Mapped[int] = mapped_column(
        ForeignKey("journey_environments.id", ondelete="CASCADE")
    )
    probe: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(20), default="probe")
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    taken_at: Mapped[datetime] = mapped_column(default=now)


class DriftWarning(Base):
    __tablename__ = "journey_drift_warnings"
    __table_args__ = (Index("ix_journey_drift_warnings_open", "resolved", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    probe: Mapped[str] = mapped_column(String(100))
    env_a_id: Mapped[int] = mapped_column(ForeignKey("journey_environments.id", ondelete="CASCADE"))
    env_b_id: Mapped[int] = mapped_column(ForeignKey("journey_environments.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(500))
    kind: Mapped[DriftKind] = mapped_column(str_enum(DriftKind, "journey_drift_kind"))
    value_a: Mapped[str] = mapped_column(Text, default="")
    value_b: Mapped[str] = mapped_column(Text, default="")
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Deployment(Base):
    """A release gate's outcome (kept here: no signals change endpoint to post to yet)."""

    __tablename__ = "journey_deployments"

    id: Mapped[int] = mapped_column(primary_key=True)
    environment: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(200), default="")
    passed: Mapped[list[str]] = mapped_column(JSONType, default=list)
    failed: Mapped[list[str]] = mapped_column(JSONType, default=list)
    gate_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
