"""Pydantic shapes of routing rules."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from csops.domains.rules.models import Match

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RuleIn(Strict):
    name: Name
    is_active: bool = True
    on_create: bool = True
    on_update: bool = False
    match: Match = Match.all
    conditions: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    actions: list[dict[str, Any]] = Field(min_length=1, max_length=30)
    stop_processing: bool = False
    position: int | None = Field(default=None, ge=0, le=100_000)


class RuleUpdate(Strict):
    name: Name | None = None
    is_active: bool | None = None
    on_create: bool | None = None
    on_update: bool | None = None
    match: Match | None = None
    conditions: list[dict[str, Any]] | None = Field(default=None, max_length=50)
    actions: list[dict[str, Any]] | None = Field(default=None, min_length=1, max_length=30)
    stop_processing: bool | None = None
    position: int | None = Field(default=None, ge=0, le=100_000)


class RuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    position: int
    is_active: bool
    on_create: bool
    on_update: bool
    match: Match
    conditions: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    stop_processing: bool
    created_at: datetime
    updated_at: datetime


class PreviewIn(Strict):
    """A saved rule (rule_id) or a draft (rule), tried on the `limit` newest tickets."""

    rule_id: int | None = None
    rule: RuleIn | None = None
    limit: int = Field(default=50, ge=1, le=500)


class PreviewRow(BaseModel):
    ticket_id: int
    subject: str
    matches: bool
    changes: dict[str, list[Any]]
    notify: list[str]


class PreviewOut(BaseModel):
    tried: int
    matched: int
    rows: list[PreviewRow]
