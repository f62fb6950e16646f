"""Pydantic shapes for incidents, their timeline, links, trackers and postmortems."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from csops.domains.incidents.models import (
    IncidentStatus,
    LinkSource,
    ResolutionPolicy,
    RoleKind,
    Severity,
)

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=50_000)]
Keyword = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=2, max_length=60)
]
Source = Literal["manual", "escalation", "signal", "journey"]
PosId = Annotated[int, Field(ge=1, le=2_147_483_647)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoleIn(Strict):
    role: RoleKind
    user_id: PosId


class IncidentCreate(Strict):
    title: Title
    severity: Severity = Severity.sev3
    service_ids: list[PosId] = Field(default_factory=list, max_length=50)
    summary: Text = ""
    source: Source = "manual"
    is_drill: bool = False
    keywords: list[Keyword] = Field(default_factory=list, max_length=30)
    resolution_policy: ResolutionPolicy = ResolutionPolicy.solve
    commander_id: PosId | None = None
    roles: list[RoleIn] = Field(default_factory=list, max_length=20)
    started_at: datetime | None = None
    page: bool | None = None

    @field_validator("service_ids")
    @classmethod
    def _unique(cls, ids: list[int]) -> list[int]:
        return list(dict.fromkeys(ids))

    @field_validator("keywords")
    @classmethod
    def _unique_keywords(cls, words: list[str]) -> list[str]:
        return list(dict.fromkeys(words))


class IncidentPatch(Strict):
    title: Title | None = None
    severity: Severity | None = None
    summary: Text | None = None
    service_ids: list[PosId] | None = Field(default=None, max_length=50)
    keywords: list[Keyword] | None = Field(default=None, max_length=30)
    resolution_policy: ResolutionPolicy | None = None
    roles: list[RoleIn] | None = Field(default=None, max_length=20)
    started_at: datetime | None = None
    detected_at: datetime | None = None
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None


class UpdateCreate(Strict):
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
    public: bool = False
    status: IncidentStatus | None = None


class TicketLinks(Strict):
    ticket_ids: list[PosId] = Field(min_length=1, max_length=500)
    note: Text = ""


class RevealIn(Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=500)]


class TrackerCreate(Strict):
    tracker: Literal["github", "jira"]


class ActionItem(Strict):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    owner: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    due: date | None = None
    done: bool = False


class PostmortemIn(Strict):
    summary: Text = ""
    impact: Text = ""
    root_cause: Text = ""
    lessons: Text = ""
    action_items: list[ActionItem] = Field(default_factory=list, max_length=100)
    published: bool = False


class RoleOut(BaseModel):
    role: RoleKind
    user_id: int
    name: str


class UpdateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    body: str
    is_public: bool
    status: IncidentStatus | None
    source: str
    author_name: str
    created_at: datetime


class LinkOut(BaseModel):
    ticket_id: int
    subject: str
    status: str
    requester: str
    source: LinkSource
    created_at: datetime


class ReferenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    external_id: str
    title: str
    url: str


class TrackerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    tracker: str
    key: str
    url: str
    state: str


class Durations(BaseModel):
    time_to_detect: float | None = None
    time_to_acknowledge: float | None = None
    time_to_mitigate: float | None = None
    time_to_resolve: float | None = None


class Metrics(BaseModel):
    customers_affected: int
    tickets_linked: int
    first_report_to_incident_seconds: float | None
    notify_p50_seconds: float | None
    notify_p95_seconds: float | None
    notifications: int
    durations: Durations


class IncidentOut(BaseModel):
    id: int
    title: str
    summary: str
    severity: Severity
    status: IncidentStatus
    source: str
    is_drill: bool
    resolution_policy: ResolutionPolicy
    keywords: list[str]
    service_ids: list[int]
    roles: list[RoleOut]
    started_at: datetime
    detected_at: datetime
    acknowledged_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    created_at: datetime
    updated_at: datetime


class IncidentDetail(IncidentOut):
    updates: list[UpdateOut]
    tickets: list[LinkOut]
    references: list[ReferenceOut]
    trackers: list[TrackerOut]
    metrics: Metrics


class EvidenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    ticket_id: int
    subject: str
    status: str
    requester: str
    source: LinkSource
    linked_at: datetime
    excerpt: str
    revealed: bool


class PageResult(BaseModel):
    paged: bool


class WebhookResult(BaseModel):
    applied: bool


class IncidentList(BaseModel):
    items: list[IncidentOut]
    total: int


class LinkResult(BaseModel):
    linked: int


class PostmortemOut(BaseModel):
    incident_id: int
    summary: str
    impact: str
    root_cause: str
    lessons: str
    action_items: list[ActionItem]
    published: bool
    timeline: list[UpdateOut]
    updated_at: datetime | None
