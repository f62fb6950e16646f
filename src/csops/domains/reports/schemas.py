"""API shapes of the reports domain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class VolumeOut(BaseModel):
    total: int
    by_channel: dict[str, int]
    by_type: dict[str, int]
    by_service: dict[str, int]
    by_organization: dict[str, int]
    per_day: dict[str, int]


class TimingOut(BaseModel):
    count: int
    p50_hours: float | None
    p90_hours: float | None


class BacklogOut(BaseModel):
    open: int
    by_age: dict[str, int]
    oldest_days: float | None


class KpisOut(BaseModel):
    start: datetime
    end: datetime
    volume: VolumeOut
    first_response: TimingOut
    resolution: TimingOut
    backlog: BacklogOut
    reopen_rate: float | None
    one_touch_rate: float | None
    extra: dict[str, Any]


class ReportOut(BaseModel):
    id: int
    kind: str
    period_key: str
    title: str
    start: datetime
    end: datetime
    summary: dict[str, Any]
    created_at: datetime


class ReportCreate(BaseModel):
    kind: str
    period: str | None = None


class ForecastOut(BaseModel):
    team_id: int | None
    method: str
    level: float
    history_days: list[str]
    history: list[float]
    days: list[str]
    mean: list[float]
    lower: list[float]
    upper: list[float]
    agents: list[float]
