"""Pydantic shapes of the feedback domain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from csops.domains.feedback.models import FollowUpStatus


class SurveyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ticket_id: int
    customer_id: int
    team_id: int | None
    scale: str
    sent_at: datetime
    expires_at: datetime
    rating: int | None
    comment: str
    answered_at: datetime | None
    changed_at: datetime | None


class FollowUpOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ticket_id: int
    survey_id: int
    assignee_id: int | None
    team_id: int | None
    status: FollowUpStatus
    due_at: datetime
    breached_at: datetime | None
    note: str
    created_at: datetime
    done_at: datetime | None


class FollowUpPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: FollowUpStatus | None = None
    note: Annotated[str, Field(max_length=5000)] | None = None
    assignee_id: int | None = None


class NpsProgramIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    every_days: Annotated[int, Field(ge=7, le=366)] = 90


class NpsProgramOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    organization_id: int
    enabled: bool
    every_days: int
    last_sent_at: datetime | None
