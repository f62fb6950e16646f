"""Pydantic shapes of the status page: components, subscriptions, the public summary."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[a-z0-9-]+$"),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ComponentIn(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    service_id: int | None = Field(None, ge=1, le=2_147_483_647)
    brand: Slug = "default"
    position: int = Field(0, ge=0, le=10_000)


class ComponentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    service_id: int | None
    brand: str
    position: int


class SubscribeIn(Strict):
    kind: Literal["email", "webhook"] = "email"
    email: EmailStr | None = None
    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    brand: Slug = "default"


class SubscriberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    brand: str
    kind: str
    target: str
    confirmed_at: datetime | None
    active: bool


class UpdateSummary(BaseModel):
    created_at: datetime
    status: str | None
    body: str


class IncidentSummary(BaseModel):
    id: int
    title: str
    impact: str
    status: str
    started_at: datetime
    resolved_at: datetime | None
    components: list[str]
    updates: list[UpdateSummary]


class ComponentSummary(BaseModel):
    id: int
    name: str
    status: str
    uptime_90d: float


class MaintenanceSummary(BaseModel):
    component: str
    starts_at: datetime
    ends_at: datetime
    description: str
    in_progress: bool


class StatusSummary(BaseModel):
    brand: str
    title: str
    status: str
    generated_at: datetime
    components: list[ComponentSummary]
    incidents: list[IncidentSummary]
    recent: list[IncidentSummary]
    maintenance: list[MaintenanceSummary]
