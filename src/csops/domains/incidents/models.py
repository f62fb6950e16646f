"""Tables of the incidents domain: incidents, their timeline, links, trackers, postmortems."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from csops.clock import now
from csops.db import Base, JSONType, str_enum
from csops.domains.accounts.models import User


class Severity(enum.StrEnum):
    sev1 = "SEV1"
    sev2 = "SEV2"
    sev3 = "SEV3"
    sev4 = "SEV4"


class IncidentStatus(enum.StrEnum):
    investigating = "investigating"
    identified = "identified"
    monitoring = "monitoring"
    resolved = "resolved"


class ResolutionPolicy(enum.StrEnum):
    solve = "solve"
    notify = "notify"


class RoleKind(enum.StrEnum):
    commander = "commander"
    operations = "operations"
    development = "development"
    test = "test"
    liaison = "liaison"


class LinkSource(enum.StrEnum):
    manual = "manual"
    escalation = "escalation"
    bulk = "bulk"
    auto = "auto"
    signal = "signal"


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_status_started", "status", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[Severity] = mapped_column(str_enum(Severity, "incident_severity"))
    status: Mapped[IncidentStatus] = mapped_column(
        str_enum(IncidentStatus, "incident_status"), default=IncidentStatus.investigating
    )
    source: Mapped[str] = mapped_column(String(20), default="manual")
    is_drill: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution_policy: Mapped[ResolutionPolicy] = mapped_column(
        str_enum(ResolutionPolicy, "incident_resolution_policy"), default=ResolutionPolicy.solve
    )
    keywords: Mapped[list[str]] = mapped_column(default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(default=now)
    detected_at: Mapped[datetime] = mapped_column(default=now)
    acknowledged_at: Mapped[datetime | None]
    mitigated_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    services: Mapped[list[IncidentService]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="IncidentService.service_id"
    )
    roles: Mapped[list[IncidentRole]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="IncidentRole.id"
    )

    @property
    def service_ids(self) -> list[int]:
        return [s.service_id for s in self.services]

    @property
    def is_active(self) -> bool:
        return self.status != IncidentStatus.resolved


class IncidentService(Base):
    __tablename__ = "incident_services"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class IncidentRole(Base):
    __tablename__ = "incident_roles"
    __table_args__ = (UniqueConstraint("incident_id", "role", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    role: Mapped[RoleKind] = mapped_column(str_enum(RoleKind, "incident_role"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship(lazy="joined")


class IncidentUpdate(Base):
    """One entry of the timeline; public ones go to customers and the status page."""

    __tablename__ = "incident_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[IncidentStatus | None] = mapped_column(
        str_enum(IncidentStatus, "incident_status")
    )
    source: Mapped[str] = mapped_column(String(20), default="manual")
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=now)


class IncidentTicket(Base):
    __tablename__ = "incident_tickets"
    __table_args__ = (UniqueConstraint("incident_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    source: Mapped[LinkSource] = mapped_column(str_enum(LinkSource, "incident_link_source"))
    note: Mapped[str] = mapped_column(Text, default="")
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    unlinked_at: Mapped[datetime | None]


class IncidentReference(Base):
    """A linked alert, change or other record, by kind and external id (signals fill these)."""

    __tablename__ = "incident_references"
    __table_args__ = (UniqueConstraint("incident_id", "kind", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    external_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(default=now)


class IncidentDelivery(Base):
    """One customer notification of one public update about one ticket (for the metrics)."""

    __tablename__ = "incident_deliveries"
    __table_args__ = (UniqueConstraint("update_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    update_id: Mapped[int] = mapped_column(ForeignKey("incident_updates.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    outbox_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(default=now)


class PiiReveal(Base):
    """Audit: who saw a customer's unmasked evidence, and why."""

    __tablename__ = "incident_pii_reveals"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)


class TrackerIssue(Base):
    """An issue opened in GitHub or Jira for an incident; its webhooks find us by key."""

    __tablename__ = "incident_tracker_issues"
    __table_args__ = (UniqueConstraint("tracker", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    tracker: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000), default="")
    state: Mapped[str] = mapped_column(String(50), default="open")
    created_at: Mapped[datetime] = mapped_column(default=now)


class Postmortem(Base):
    __tablename__ = "incident_postmortems"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), unique=True
    )
    summary: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(Text, default="")
    root_cause: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    action_items: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=now)
    updated_by_id: Mapped[int | None] = mapped_column(Integer)
