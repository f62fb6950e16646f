"""API shapes of the maturity domain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from csops.domains.maturity.scoring import Answer

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
PracticeId = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}-[2-5]\.[0-9]{1,2}$")]


class AssessmentCreate(BaseModel):
    title: Title = "Customer-service maturity"
    prefill_from_evidence: bool = True


class AnswerIn(BaseModel):
    practice_id: PracticeId
    answer: Answer
    note: Annotated[str, StringConstraints(max_length=4000)] = ""
    evidence_link: Annotated[str, StringConstraints(max_length=500)] = ""


class AnswersIn(BaseModel):
    answers: list[AnswerIn] = Field(min_length=1, max_length=200)
    complete: bool = False


class EvidenceOut(BaseModel):
    status: str
    figure: str
    detail: str = ""


class AnswerOut(BaseModel):
    practice_id: str
    answer: Answer
    note: str
    evidence_link: str
    evidence: EvidenceOut | None


class CapabilityOut(BaseModel):
    id: str
    name: str
    level: int
    delta: int
    completion: dict[int, float]
    blockers: list[str]


class PlanItemOut(BaseModel):
    capability: str
    target_level: int
    practice_id: str
    practice: str
    feature: str | None
    link: str | None
    evidence: EvidenceOut | None


class AssessmentOut(BaseModel):
    id: int
    title: str
    status: str
    model_version: int
    created_at: datetime
    completed_at: datetime | None
    overall_level: int
    capabilities: list[CapabilityOut]
    answers: list[AnswerOut]
    plan: list[PlanItemOut]


class AssessmentSummary(BaseModel):
    id: int
    title: str
    status: str
    created_at: datetime
    completed_at: datetime | None
    overall_level: int
    levels: dict[str, int]


class PracticeOut(BaseModel):
    id: str
    level: int
    zh: str
    en: str
    evidence: str | None
    feature: str | None
    link: str | None


class CapabilityModelOut(BaseModel):
    id: str
    zh: str
    en: str
    practices: list[PracticeOut]


class ModelOut(BaseModel):
    version: int
    source: str
    capabilities: list[CapabilityModelOut]
