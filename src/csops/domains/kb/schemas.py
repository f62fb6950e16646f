"""Macro shapes. Actions a macro may take are limited to these fields."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from csops.domains.tickets.models import Priority, Status, TicketType


class MacroActions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    priority: Priority | None = None
    type: TicketType | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    add_tags: list[Annotated[str, StringConstraints(max_length=50, pattern=r"^[\w.:-]+$")]] = Field(
        default_factory=list, max_length=10
    )


class MacroCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    body: Annotated[str, StringConstraints(max_length=20_000)] = ""
    public: bool = True
    actions: MacroActions = Field(default_factory=MacroActions)


class MacroUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
        | None
    ) = None
    body: Annotated[str, StringConstraints(max_length=20_000)] | None = None
    public: bool | None = None
    actions: MacroActions | None = None
    is_active: bool | None = None


class MacroOut(BaseModel):
    id: int
    name: str
    body: str
    public: bool
    actions: MacroActions
    is_active: bool
    created_at: datetime
