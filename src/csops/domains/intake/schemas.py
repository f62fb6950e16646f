"""Pydantic shapes of the intake domain (webhook sources and deliveries, the web form)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$"),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceIn(Strict):
    slug: Slug
    name: Name
    mapping: dict[str, str] = Field(default_factory=dict, max_length=20)


class SourceUpdate(Strict):
    name: Name | None = None
    mapping: dict[str, str] | None = Field(default=None, max_length=20)
    is_active: bool | None = None


class SourceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str
    name: str
    mapping: dict[str, str]
    is_active: bool
    created_at: datetime
    rotated_at: datetime | None


class SourceWithSecret(SourceOut):
    """Answered once, on creation and rotation: the secret is not shown again."""

    secret: str
    endpoint: str


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source_slug: str
    webhook_id: str
    status: str
    ticket_id: int | None
    error: str
    raw_body: str
    received_at: datetime


class DeliveryResult(BaseModel):
    delivery_id: int
    status: str
    ticket_id: int | None = None
    external_id: str | None = None
    duplicate: bool = False


class WebForm(Strict):
    email: EmailStr
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    subject: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=250)]
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)
    ]


def as_raw(values: dict[str, Any]) -> dict[str, Any]:
    """A submitted form as kept: text values, truncated."""
    return {str(k)[:50]: str(v)[:20_000] for k, v in list(values.items())[:20]}
