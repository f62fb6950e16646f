"""Pydantic shapes of the signals domain: alerts and changes as received and as listed."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

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
