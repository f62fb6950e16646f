"""Pydantic shapes of the sla domain (API in and out)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from csops.domains.accounts.models import Tier
from csops.domains.sla.timers import WEEKDAYS, Calendar
from csops.domains.tickets.models import Channel, Priority, TicketType

Minutes = Annotated[int, Field(ge=1, le=60 * 24 * 366)]
Escalation = Literal["assignee", "team_lead", "page"]
Short = Annotated[str, Field(min_length=1, max_length=100)]


def _default_escalation() -> list[Escalation]:
    return ["assignee", "team_lead"]


class Conditions(BaseModel):
    """Every given list must contain the ticket's value; empty lists match anything."""

    model_config = ConfigDict(extra="forbid")

    priorities: list[Priority] = Field(default_factory=list, max_length=4)
    types: list[TicketType] = Field(default_factory=list, max_length=4)
    tiers: list[Tier] = Field(default_factory=list, max_length=4)
    channels: list[Channel] = Field(default_factory=list, max_length=10)
    service_ids: list[int] = Field(default_factory=list, max_length=100)
    organization_ids: list[int] = Field(default_factory=list, max_length=100)
    request_types: list[Annotated[str, Field(max_length=50)]] = Field(
        default_factory=list, max_length=20
    )
    internal: bool | None = None


class PolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Short
    description: Annotated[str, Field(max_length=2000)] = ""
    position: Annotated[int, Field(ge=0, le=10_000)] | None = None
    enabled: bool = True
    conditions: Conditions = Field(default_factory=Conditions)
    calendar_id: int | None = None
    business_hours: bool = True
    first_response_minutes: Minutes | None = None
    next_response_minutes: Minutes | None = None
    resolution_minutes: Minutes | None = None
    pause_on_pending: bool = True
    pause_on_hold: bool = True
    warn_percents: list[Annotated[int, Field(ge=1, le=99)]] = Field(
        default_factory=lambda: [75, 90], max_length=5
    )
    escalate: list[Escalation] = Field(default_factory=_default_escalation, max_length=3)


class PolicyPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Short | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None
    position: Annotated[int, Field(ge=0, le=10_000)] | None = None
    enabled: bool | None = None
    conditions: Conditions | None = None
    calendar_id: int | None = None
    business_hours: bool | None = None
    first_response_minutes: Minutes | None = None
    next_response_minutes: Minutes | None = None
    resolution_minutes: Minutes | None = None
    pause_on_pending: bool | None = None
    pause_on_hold: bool | None = None
    warn_percents: list[Annotated[int, Field(ge=1, le=99)]] | None = Field(None, max_length=5)
    escalate: list[Escalation] | None = Field(None, max_length=3)


class PolicyOut(PolicyIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    position: int | None = None
    created_at: datetime
    updated_at: datetime


HourRange = Annotated[list[Annotated[str, Field(max_length=5)]], Field(min_length=2, max_length=2)]


class CalendarIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Short
    timezone: Annotated[str, Field(max_length=64)] = "UTC"
    hours: dict[str, list[HourRange]] = Field(default_factory=dict)
    holiday_country: Annotated[str, Field(max_length=8)] | None = None
    holiday_subdiv: Annotated[str, Field(max_length=16)] | None = None
    custom_holidays: list[date] = Field(default_factory=list, max_length=366)
    always_open: bool = False

    @field_validator("hours")
    @classmethod
    def _days(cls, value: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
        for day, ranges in value.items():
            if day not in WEEKDAYS:
                raise ValueError(f"unknown weekday {day!r}; use {', '.join(WEEKDAYS)}")
            if len(ranges) > 6:
                raise ValueError("at most 6 ranges a day")
        return value

    def check(self) -> Calendar:
        """Raises ValueError when the zone, a time or the holiday country is unknown."""
        try:
            cal = Calendar.from_spec(
                tz=self.timezone,
                hours=self.hours,
                country=self.holiday_country or None,
                subdiv=self.holiday_subdiv or None,
                closed_dates=self.custom_holidays,
                always_open=self.always_open,
            )
        except KeyError as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        if cal.country:
            cal.is_holiday(date(2026, 1, 1))  # NotImplementedError for an unknown country
        return cal


class CalendarOut(CalendarIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime


class MetricState(BaseModel):
    metric: str
    status: str
    cycle: int
    target_minutes: int
    started_at: datetime
    target_at: datetime | None
    achieved_at: datetime | None
    breached_at: datetime | None
    seconds_left: int | None
    business_seconds_left: int
    percent_used: int
    paused: bool


class TicketSlaOut(BaseModel):
    ticket_id: int
    policy_id: int | None
    policy_name: str | None
    next_breach_at: datetime | None
    metrics: list[MetricState]
