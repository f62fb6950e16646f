"""Pydantic shapes of the notifications API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from csops.domains.notifications.models import ContactKind, OutboxStatus


class OutboxItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_key: str
    kind: str
    template: str
    channel: ContactKind
    recipient: str
    customer_id: int | None
    user_id: int | None
    ticket_id: int | None
    locale: str
    essential: bool
    status: OutboxStatus
    attempts: int
    max_attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    message_id: str
    subject: str
    created_at: datetime
    sent_at: datetime | None


class WebhookSubscriptionIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=1, max_length=2000)
    event_types: list[str] = Field(default_factory=lambda: ["*"], max_length=50)
    secret: str | None = Field(default=None, min_length=16, max_length=200)
    active: bool = True
    allowed_ranges: list[str] = Field(default_factory=list, max_length=20)


class WebhookSubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    url: str
    event_types: list[str]
    active: bool
    allowed_ranges: list[str]
    created_at: datetime


class WebhookSubscriptionCreated(WebhookSubscriptionOut):
    secret: str


class WebhookDeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    subscription_id: int
    webhook_id: str
    event_type: str
    payload: dict[str, Any]
    status: OutboxStatus
    attempts: int
    status_code: int | None
    response_excerpt: str
    duration_ms: int | None
    last_error: str | None
    replay_of_id: int | None
    created_at: datetime
    delivered_at: datetime | None


class ContactPointIn(BaseModel):
    customer_id: int | None = None
    user_id: int | None = None
    kind: ContactKind
    address: str = Field(min_length=3, max_length=1000)
    label: str = Field(default="", max_length=100)
    preferred: bool = False


class ContactPointOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    customer_id: int | None
    user_id: int | None
    kind: ContactKind
    address: str
    label: str
    preferred: bool


class TemplateIn(BaseModel):
    subject: str = Field(max_length=2000)
    text: str = Field(max_length=50_000)
    html: str = Field(default="", max_length=100_000)


class TemplateOut(BaseModel):
    name: str
    locale: str
    subject: str
    text: str
    html: str
    overridden: bool


class PreviewOut(BaseModel):
    subject: str
    text: str
    html: str
