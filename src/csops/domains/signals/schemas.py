"""Pydantic shapes of the signals domain: alerts and changes as received and as listed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class AlertIn(BaseModel):
    """One alert in the generic JSON format (Alertmanager and Grafana are mapped onto it)."""

    name: str = Field(min_length=1, max_length=200)
    status: Literal["firing", "resolved"] = "firing"
    fingerprint: str | None = Field(default=None, max_length=200)
    group_key: str = Field(default="", max_length=500)
    service: str = Field(default="", max_length=100)
    severity: str = Field(default="", max_length=20)
    summary: str = ""
    labels: dict[str, Any] = Field(default_factory=dict)
    annotations: dict[str, Any] = Field(default_factory=dict)
    starts_at: datetime | None = None
    ends_at: datetime | None = None


class AlertOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source: str
    fingerprint: str
    group_key: str
    name: str
    status: str
    severity: str
    service_name: str
    service_id: int | None
    summary: str
    labels: dict[str, Any]
    starts_at: datetime
    ends_at: datetime | None
    receive_count: int


class ChangeIn(BaseModel):
    kind: Literal["deploy", "config", "flag", "canary"] = "deploy"
    service: str = Field(min_length=1, max_length=100)
    version: str = Field(default="", max_length=100)
    environment: str = Field(default="production", max_length=50)
    cohort: dict[str, Any] = Field(default_factory=dict)
    percentage: float | None = Field(default=None, ge=0, le=100)
    commit: str = Field(default="", max_length=64)
    author: str = Field(default="", max_length=200)
    url: str = Field(default="", max_length=500)
    description: str = ""
    external_id: str | None = Field(default=None, max_length=200)
    started_at: datetime | None = None
    finished_at: datetime | None = None


class ChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    service_name: str
    service_id: int | None
    version: str
    environment: str
    cohort: dict[str, Any]
    percentage: float | None
    commit: str
    author: str
    url: str
    started_at: datetime
    finished_at: datetime | None


class ClusterOut(BaseModel):
    """A problem cluster with its last 24 hours of tickets, hour by hour (oldest first)."""

    id: int
    label: str
    label_pinned: bool
    count: int
    last_at: datetime
    created_at: datetime
    merged_into_id: int | None
    split_from: int | None = None
    cannot_link: list[int]
    hourly: list[int]
    last_24h: int


class ClusterTicketOut(BaseModel):
    id: int
    subject: str
    status: str
    created_at: datetime
    similarity: float


class ClusterEvent(BaseModel):
    at: datetime
    action: str
    actor: str
    actor_id: int | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class ClusterDetail(ClusterOut):
    terms: list[str]
    split_into: list[int]
    tickets: list[ClusterTicketOut]
    history: list[ClusterEvent]


class ClusterPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=200)


class ClusterMerge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    into_id: int = Field(ge=1, le=2**31 - 1)


class ClusterSplit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        min_length=1, max_length=500
    )
    label: str | None = Field(default=None, max_length=200)
