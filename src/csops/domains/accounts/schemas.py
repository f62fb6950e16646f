"""Pydantic shapes for accounts: what comes in (strict, no unknown fields) and what goes out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from csops.domains.accounts.models import Role, Tier

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[a-z0-9-]+$"),
]
SCOPES = (
    "tickets:read",
    "tickets:write",
    "accounts:read",
    "accounts:write",
    "admin",
    "incidents:read",
    "incidents:write",
    "oncall:read",
    "oncall:write",
    "signals:read",
    "signals:write",
    "reports:read",
    "reports:write",
    "journeys:read",
    "journeys:write",
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class OrganizationCreate(Strict):
    name: Name
    domain: Annotated[str, StringConstraints(max_length=253)] | None = None
    tier: Tier = Tier.standard
    notes: Annotated[str, StringConstraints(max_length=5000)] = ""


class OrganizationUpdate(Strict):
    name: Name | None = None
    domain: Annotated[str, StringConstraints(max_length=253)] | None = None
    tier: Tier | None = None
    notes: Annotated[str, StringConstraints(max_length=5000)] | None = None


class OrganizationOut(Out):
    id: int
    name: str
    domain: str | None
    tier: Tier
    notes: str
    created_at: datetime


class CustomerCreate(Strict):
    email: EmailStr
    name: Name
    organization_id: int | None = None
    is_org_admin: bool = False
    locale: Annotated[str, StringConstraints(pattern=r"^(en|zh_Hans)$")] = "en"


class CustomerUpdate(Strict):
    name: Name | None = None
    organization_id: int | None = None
    is_org_admin: bool | None = None
    locale: Annotated[str, StringConstraints(pattern=r"^(en|zh_Hans)$")] | None = None


class CustomerOut(Out):
    id: int
    email: str
    name: str
    organization_id: int | None
    is_org_admin: bool
    locale: str
    created_at: datetime


class UserCreate(Strict):
    email: EmailStr
    name: Name
    role: Role = Role.agent
    password: Annotated[str, StringConstraints(min_length=8, max_length=200)] | None = None
    locale: Annotated[str, StringConstraints(pattern=r"^(en|zh_Hans)$")] = "en"
    timezone: Annotated[str, StringConstraints(max_length=64)] = "UTC"
    team_ids: list[int] = Field(default_factory=list, max_length=50)


class UserUpdate(Strict):
    name: Name | None = None
    role: Role | None = None
    is_active: bool | None = None
    locale: Annotated[str, StringConstraints(pattern=r"^(en|zh_Hans)$")] | None = None
    timezone: Annotated[str, StringConstraints(max_length=64)] | None = None
    team_ids: list[int] | None = Field(default=None, max_length=50)


class UserOut(Out):
    id: int
    email: str
    name: str
    role: Role
    is_active: bool
    locale: str
    timezone: str
    team_ids: list[int] = Field(default_factory=list)
    created_at: datetime


class TeamCreate(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    member_ids: list[int] = Field(default_factory=list, max_length=500)


class TeamUpdate(Strict):
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
        | None
    ) = None
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    member_ids: list[int] | None = Field(default=None, max_length=500)


class TeamOut(Out):
    id: int
    name: str
    description: str
    member_ids: list[int] = Field(default_factory=list)


class ServiceCreate(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    slug: Slug | None = None
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    owning_team_id: int | None = None


class ServiceUpdate(Strict):
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
        | None
    ) = None
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    owning_team_id: int | None = None


class ServiceOut(Out):
    id: int
    name: str
    slug: str
    description: str
    owning_team_id: int | None


class TokenCreate(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    scopes: list[Annotated[str, StringConstraints(pattern="^(" + "|".join(SCOPES) + ")$")]] = Field(
        default_factory=lambda: ["tickets:read", "tickets:write"],
        min_length=1,
        max_length=len(SCOPES),
    )


class TokenOut(Out):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str
