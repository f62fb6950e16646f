"""Shapes of the oncall API: schedules, overrides, policies, pages, drills, maintenance."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=5000)]


def _no_nul(value: Any) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    if isinstance(value, dict):
        for item in value.values():
            _no_nul(item)
    if isinstance(value, list):
        for item in value:
            _no_nul(item)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _refuse_nul(cls, data: Any) -> Any:
        _no_nul(data)
        return data


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LayerIn(_In):
    name: Annotated[str, StringConstraints(max_length=200)] = ""
    participant_ids: list[Id] = Field(min_length=1, max_length=50)
    rotation: Literal["daily", "weekly", "custom"] = "weekly"
    shift_hours: int = Field(default=168, ge=1, le=24 * 366)
    starts_local: datetime = Field(description="Wall-clock start of the first shift (zone ignored)")
    restrictions: list[dict[str, Any]] = Field(default_factory=list, max_length=14)


class ScheduleIn(_In):
    name: Name
    description: LongText = ""
    team_id: Id | None = None
    role: Literal["primary", "backup"] = "primary"
    time_zone: Annotated[str, StringConstraints(min_length=1, max_length=64)] = "UTC"
    layers: list[LayerIn] = Field(default_factory=list, max_length=10)


class LayerOut(_Out):
    id: int
    name: str
    position: int
    participant_ids: list[int]
    rotation: str
    shift_hours: int
    starts_local: str
    restrictions: list[dict[str, Any]]


class ScheduleOut(_Out):
    id: int
    name: str
    description: str
    team_id: int | None
    role: str
    time_zone: str
    layers: list[LayerOut]


class OverrideIn(_In):
    user_id: Id
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    replaces_user_id: Id | None = None
    reason: LongText = ""


class OverrideOut(_Out):
    id: int
    schedule_id: int
    user_id: int
    replaces_user_id: int | None
    starts_at: datetime
    ends_at: datetime
    reason: str
    swap_id: str | None


class SwapIn(_In):
    first_at: AwareDatetime
    second_at: AwareDatetime
    reason: LongText = ""


class ShiftOut(BaseModel):
    user_id: int
    user_name: str
    start: datetime
    end: datetime


class OnCallOut(BaseModel):
    schedule_id: int
    schedule_name: str
    role: str
    user_id: int
    user_name: str


class TargetIn(_In):
    kind: Literal["user", "schedule", "team"]
    id: Id


class LevelIn(_In):
    timeout_minutes: int = Field(default=15, ge=1, le=1440)
    targets: list[TargetIn] = Field(min_length=1, max_length=20)


class PolicyIn(_In):
    name: Name
    description: LongText = ""
    repeat: int = Field(default=0, ge=0, le=10)
    service_id: Id | None = None
    team_id: Id | None = None
    levels: list[LevelIn] = Field(min_length=1, max_length=10)


class LevelOut(_Out):
    position: int
    timeout_minutes: int
    targets: list[dict[str, Any]]


class PolicyOut(_Out):
    id: int
    name: str
    description: str
    repeat: int
    service_id: int | None
    team_id: int | None
    levels: list[LevelOut]


class PageIn(_In):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    dedup_key: Annotated[str, StringConstraints(max_length=300)] = ""
    service_id: Id | None = None
    team_id: Id | None = None
    incident_id: Id | None = None
    details: LongText = ""

    @model_validator(mode="after")
    def _someone(self) -> PageIn:
        if self.service_id is None and self.team_id is None:
            raise ValueError("a page needs a service_id or a team_id")
        return self


class PageOut(_Out):
    id: int
    title: str
    details: str
    dedup_key: str
    source: str
    status: str
    service_id: int | None
    team_id: int | None
    incident_id: int | None
    policy_id: int | None
    is_drill: bool
    trigger_count: int
    level_index: int
    cycle: int
    created_at: datetime
    last_triggered_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by_id: int | None
    joined_at: datetime | None
    resolved_at: datetime | None


class PageTriggerOut(BaseModel):
    suppressed: bool
    page: PageOut | None


class DrillIn(_In):
    team_id: Id
    service_id: Id | None = None
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    at: AwareDatetime | None = None
    window_start: AwareDatetime | None = None
    window_end: AwareDatetime | None = None

    @model_validator(mode="after")
    def _when(self) -> DrillIn:
        if self.at is None and (self.window_start is None or self.window_end is None):
            raise ValueError("give `at`, or both `window_start` and `window_end`")
        if self.at is None and self.window_end and self.window_start:
            if self.window_end <= self.window_start:
                raise ValueError("the window must end after it starts")
        return self


class DrillOut(_Out):
    id: int
    team_id: int
    service_id: int | None
    title: str
    status: str
    scheduled_for: datetime
    page_id: int | None
    started_at: datetime | None
    acknowledged_at: datetime | None
    joined_at: datetime | None
    seconds_to_ack: int | None
    seconds_to_join: int | None
    levels_reached: int | None


class MaintenanceIn(_In):
    service_id: Id
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    description: LongText = ""
    public: bool = True

    @model_validator(mode="after")
    def _order(self) -> MaintenanceIn:
        if self.ends_at <= self.starts_at:
            raise ValueError("a maintenance window must end after it starts")
        return self


class MaintenanceOut(_Out):
    id: int
    service_id: int
    starts_at: datetime
    ends_at: datetime
    description: str
    public: bool


class CalendarLinkOut(BaseModel):
    url: str
