"""Tables of the maturity domain: self-assessments and their answers per practice."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from csops.clock import now
from csops.db import Base, str_enum
from csops.domains.maturity.scoring import Answer


class AssessmentStatus(enum.StrEnum):
    draft = "draft"
    completed = "completed"


class Assessment(Base):
    __tablename__ = "maturity_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[AssessmentStatus] = mapped_column(
        str_enum(AssessmentStatus, "assessment_status"), default=AssessmentStatus.draft
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)

    answers: Mapped[list[AssessmentAnswer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", lazy="selectin"
    )


class AssessmentAnswer(Base):
    __tablename__ = "maturity_answers"
    __table_args__ = (UniqueConstraint("assessment_id", "practice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("maturity_assessments.id", ondelete="CASCADE"), index=True
    )
    practice_id: Mapped[str] = mapped_column(String(20))
    answer: Mapped[Answer] = mapped_column(str_enum(Answer, "maturity_answer"))
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_link: Mapped[str] = mapped_column(String(500), default="")
    # The evidence csops proposed when the assessment was made (status, figure, detail).
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
