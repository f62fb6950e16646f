"""Tables of the feedback domain: CSAT surveys, follow-ups of bad ratings, NPS.

`feedback_events` is the append-only history (survey sent / answered / changed, follow-up
created / done / breached, NPS sent / answered) that KPIs and reports read.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from csops.clock import now
from csops.db import Base, str_enum


class Scale(enum.StrEnum):
    five = "five"  # 1..5
    binary = "binary"  # good (5) / bad (1)


class FollowUpStatus(enum.StrEnum):
    open = "open"
    done = "done"


class FeedbackEventKind(enum.StrEnum):
    survey_sent = "survey_sent"
    survey_answered = "survey_answered"
    survey_changed = "survey_changed"
    followup_created = "followup_created"
    followup_done = "followup_done"
    followup_breached = "followup_breached"
    nps_sent = "nps_sent"
    nps_answered = "nps_answered"


class CsatSurvey(Base):
    """One per ticket; `rating` 1..5 (binary: 1 bad, 5 good), None until answered."""

    __tablename__ = "csat_surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), unique=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scale: Mapped[Scale] = mapped_column(str_enum(Scale, "csat_scale"), default=Scale.five)
    sent_at: Mapped[datetime] = mapped_column(default=now, index=True)
    expires_at: Mapped[datetime]
    rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(index=True)
    changed_at: Mapped[datetime | None]


class FollowUp(Base):
    """A return call on a bad rating, for a lead of the ticket's team, due by `due_at`."""

    __tablename__ = "followups"
    __table_args__ = (Index("ix_followups_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("csat_surveys.id", ondelete="CASCADE"), unique=True
    )
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    status: Mapped[FollowUpStatus] = mapped_column(
        str_enum(FollowUpStatus, "followup_status"), default=FollowUpStatus.open
    )
    due_at: Mapped[datetime]
    breached_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now)
    done_at: Mapped[datetime | None]


class NpsProgram(Base):
    """An organization's NPS schedule: every `every_days`, each of its customers is asked."""

    __tablename__ = "nps_programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), unique=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    every_days: Mapped[int] = mapped_column(Integer, default=90)
    last_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)


class NpsSurvey(Base):
    __tablename__ = "nps_surveys"
    __table_args__ = (UniqueConstraint("customer_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    round: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None]


class FeedbackEvent(Base):
    __tablename__ = "feedback_events"
    __table_args__ = (Index("ix_feedback_events_kind_at", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FeedbackEventKind] = mapped_column(
        str_enum(FeedbackEventKind, "feedback_event_kind")
    )
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    survey_id: Mapped[int | None] = mapped_column(Integer)
    organization_id: Mapped[int | None] = mapped_column(Integer)
    team_id: Mapped[int | None] = mapped_column(Integer)
    rating: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(default=now)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
