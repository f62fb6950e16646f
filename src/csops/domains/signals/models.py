"""Tables of the signals domain: alerts from monitoring and changes (deploys, config, flags,
canary steps) that the correlation engine ranks as likely causes of complaint spikes."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from csops.clock import now
from csops.db import Base, JSONType, str_enum


class AlertStatus(enum.StrEnum):
    firing = "firing"
    resolved = "resolved"


class ChangeKind(enum.StrEnum):
    deploy = "deploy"
    config = "config"
    flag = "flag"
    canary = "canary"


class Alert(Base):
    """One firing episode of an alert; a re-fire after resolve is a new row."""

    __tablename__ = "signal_alerts"
    __table_args__ = (Index("ix_signal_alerts_lookup", "source", "fingerprint", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    fingerprint: Mapped[str] = mapped_column(String(200))
    group_key: Mapped[str] = mapped_column(String(500), default="")
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[AlertStatus] = mapped_column(
        str_enum(AlertStatus, "signal_alert_status"), default=AlertStatus.firing
    )
    severity: Mapped[str] = mapped_column(String(20), default="")
    service_name: Mapped[str] = mapped_column(String(100), default="")
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True
    )
    summary: Mapped[str] = mapped_column(Text, default="")
    labels: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    annotations: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    last_received_at: Mapped[datetime] = mapped_column(default=now)
    receive_count: Mapped[int] = mapped_column(Integer, default=1)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Change(Base):
    """A deploy, config change, feature-flag flip or canary step on a service."""

    __tablename__ = "signal_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ChangeKind] = mapped_column(str_enum(ChangeKind, "signal_change_kind"))
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    service_name: Mapped[str] = mapped_column(String(100))
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[str] = mapped_column(String(100), default="")
    environment: Mapped[str] = mapped_column(String(50), default="production")
    cohort: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    percentage: Mapped[float | None] = mapped_column(Float)
    commit: Mapped[str] = mapped_column(String(64), default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)


class SuspectStatus(enum.StrEnum):
    open = "open"
    confirmed = "confirmed"
    dismissed = "dismissed"


class ProblemCluster(Base):
    """A problem cluster: the engine's centroid (sum of member vectors) and its label."""

    __tablename__ = "signal_clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    label_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    dim: Mapped[int] = mapped_column(Integer)
    centroid: Mapped[bytes] = mapped_column(LargeBinary)
    count: Mapped[int] = mapped_column(Integer, default=0)
    terms: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    cannot_link: Mapped[list[int]] = mapped_column(JSONType, default=list)
    merged_into_id: Mapped[int | None] = mapped_column(Integer, index=True)
    last_at: Mapped[datetime] = mapped_column(default=now, index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)


class ClusterTicket(Base):
    """Which cluster a ticket joined, with what it needs for counting per key over time."""

    __tablename__ = "signal_cluster_tickets"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("signal_clusters.id", ondelete="CASCADE"), index=True
    )
    similarity: Mapped[float] = mapped_column(Float)
    service_id: Mapped[int | None] = mapped_column(Integer, index=True)
    organization_id: Mapped[int | None] = mapped_column(Integer, index=True)
    customer_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)


class EngineState(Base):
    """Shared engine state (encoder document frequencies, seasonal baseline) by name."""

    __tablename__ = "signal_engine_state"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    blob: Mapped[bytes | None] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class SuspectedIncident(Base):
    """A spike the engine flagged, with its evidence, until an agent confirms or dismisses it."""

    __tablename__ = "signal_suspects"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[SuspectStatus] = mapped_column(
        str_enum(SuspectStatus, "signal_suspect_status"), default=SuspectStatus.open, index=True
    )
    cluster_id: Mapped[int | None] = mapped_column(
        ForeignKey("signal_clusters.id", ondelete="SET NULL"), index=True
    )
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True
    )
    score: Mapped[float] = mapped_column(Float)
    started_at: Mapped[datetime]
    detected_at: Mapped[datetime] = mapped_column(default=now)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    causes: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    ticket_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    page_id: Mapped[int | None] = mapped_column(Integer)
    incident_id: Mapped[int | None] = mapped_column(Integer, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
