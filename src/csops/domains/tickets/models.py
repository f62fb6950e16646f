"""Tickets, their thread (messages and attachments), their history (events), tags and views."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from csops.clock import now
from csops.db import Base, str_enum
from csops.domains.accounts.models import Customer, Organization, Service, Team, User


class Status(enum.StrEnum):
    new = "new"
    open = "open"
    pending = "pending"
    on_hold = "on-hold"
    solved = "solved"
    closed = "closed"


class Priority(enum.StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"


class TicketType(enum.StrEnum):
    question = "question"
    request = "request"
    complaint = "complaint"
    problem = "problem"


class Channel(enum.StrEnum):
    web = "web"
    portal = "portal"
    email = "email"
    api = "api"
    chat = "chat"
    phone = "phone"
    webhook = "webhook"


class AuthorKind(enum.StrEnum):
    customer = "customer"
    user = "user"
    system = "system"


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status_updated", "status", "updated_at"),
        Index("ix_tickets_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(250))
    requester_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "channel"), default=Channel.web)
    type: Mapped[TicketType] = mapped_column(
        str_enum(TicketType, "ticket_type"), default=TicketType.question
    )
    priority: Mapped[Priority] = mapped_column(
        str_enum(Priority, "priority"), default=Priority.normal, index=True
    )
    status: Mapped[Status] = mapped_column(str_enum(Status, "status"), default=Status.new)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True
    )
    tags: Mapped[list[str]] = mapped_column(default=list)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=now, index=True)
    first_public_reply_at: Mapped[datetime | None]
    solved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    sla_next_breach_at: Mapped[datetime | None] = mapped_column(index=True)  # owned by sla

    __mapper_args__ = {"version_id_col": version}

    requester: Mapped[Customer] = relationship(lazy="joined", innerjoin=True)
    organization: Mapped[Organization | None] = relationship(lazy="joined")
    assignee: Mapped[User | None] = relationship(lazy="joined")
    team: Mapped[Team | None] = relationship(lazy="joined")
    service: Mapped[Service | None] = relationship(lazy="joined")

    @property
    def etag(self) -> str:
        return f'W/"{self.id}-{self.version}"'


class TicketTag(Base):
    """One row per tag on a ticket, so views can filter by tag with an index."""

    __tablename__ = "ticket_tags"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(50), primary_key=True, index=True)


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    author_kind: Mapped[AuthorKind] = mapped_column(str_enum(AuthorKind, "author_kind"))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL")
    )
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "channel"), default=Channel.web)
    body_html: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)

    author_user: Mapped[User | None] = relationship(lazy="joined")
    author_customer: Mapped[Customer | None] = relationship(lazy="joined")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="message", lazy="selectin", order_by="Attachment.id"
    )

    @property
    def author_name(self) -> str:
        if self.author_user is not None:
            return self.author_user.name
        if self.author_customer is not None:
            return self.author_customer.name
        return "csops"


class Attachment(Base):
    """Bytes live on disk under a random name outside the web root; this row describes them."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)

    message: Mapped[Message | None] = relationship(back_populates="attachments")


class TicketEvent(Base):
    """Who changed what on a ticket, old -> new, when. Metrics and audit read this."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_field_at", "field", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    actor_kind: Mapped[AuthorKind] = mapped_column(str_enum(AuthorKind, "author_kind"))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(50))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)


class CustomFieldType(enum.StrEnum):
    text = "text"
    number = "number"
    date = "date"
    choice = "choice"
    checkbox = "checkbox"


class CustomField(Base):
    __tablename__ = "custom_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    field_type: Mapped[CustomFieldType] = mapped_column(
        str_enum(CustomFieldType, "custom_field_type")
    )
    choices: Mapped[list[str]] = mapped_column(default=list)


class SavedView(Base):
    """A named filter + sort; owner_id None means shared with every agent."""

    __tablename__ = "saved_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sort: Mapped[str] = mapped_column(String(50), default="-updated_at")
    position: Mapped[int] = mapped_column(Integer, default=0)
