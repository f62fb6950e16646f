"""API shapes of the journeys domain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel


class SpecUpload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=500_000, description="Journey spec YAML")


class SpecImported(BaseModel):
    environments: list[str]
    journeys: list[str]


class EnvironmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    base_url: str
    variables: dict[str, Any]
    schedule: str | None
    allowed_hosts: list[str]
    timeout_s: float
    production: bool
    probes: list[Any]
    drift_allow: list[str]


class JourneyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    spec_text: str
    service_id: int | None
    enabled: bool
    updated_at: datetime


class RunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    journey_id: int
    environment_id: int
    status: str
    trigger: str
    started_at: datetime
    duration_ms: int
    error: str
    steps: list[dict[str, Any]]


class RunRequested(BaseModel):
    environments: list[str]


class StepIn(BaseModel):
    name: str = Field(max_length=300)
    kind: str = Field(max_length=20)
    status: str = Field(pattern="^(passed|failed|error|skipped)$")
    duration_ms: int = Field(ge=0, le=10**9)
    error: str = Field(default="", max_length=5000)
    excerpt: str = Field(default="", max_length=20000)
    http_status: int | None = None


class ResultIn(BaseModel):
    journey: str = Field(max_length=100)
    environment: str = Field(max_length=100)
    started_at: datetime
    status: str = Field(pattern="^(passed|failed|error|skipped)$")
    duration_ms: int = Field(ge=0, le=10**9)
    error: str = Field(default="", max_length=5000)
    steps: list[StepIn] = Field(default_factory=list, max_length=500)


class DeploymentIn(BaseModel):
    environment: str = Field(min_length=1, max_length=100)
    version: str = Field(default="", max_length=200)
    results: list[ResultIn] = Field(default_factory=list, max_length=1000)


class DeploymentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    environment: str
    version: str
    passed: list[str]
    failed: list[str]
    gate_passed: bool
    created_at: datetime


class SnapshotIn(BaseModel):
    probe: str = Field(min_length=1, max_length=100)
    data: dict[str, Any]


class SnapshotOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    environment_id: int
    probe: str
    source: str
    taken_at: datetime


class DriftRow(BaseModel):
    key: str
    kind: str
    a: str
    b: str
    expected: bool


class SloOut(BaseModel):
    journey: str
    environment: str
    runs: int
    success: float | None
    p95_ms: int | None
    target_success: float
    target_p95_ms: int
    budget_burn: float | None
    budget_left: float | None
    met: bool | None
    last_status: str | None
    failing_streak: int


class SpecSchema(RootModel[dict[str, Any]]):
    """The JSON Schema (draft 2020-12) of journey spec files."""
