"""Pydantic shapes for tickets and their thread. Input models reject unknown fields."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, field_validator

from csops.domains.tickets.models import Channel, CustomFieldType, Priority, Status, TicketType

Subject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=250)]
Body = Annotated[str, StringConstraints(max_length=100_000)]
Tag = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, min_length=1, max_length=50, pattern=r"^[\w.:-]+$"
    ),
]
FieldKey = Annotated[
    str, StringConstraints(min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_]*$")
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RequesterIn(Strict):
    email: EmailStr
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None


class TicketCreate(Strict):
    subject: Subject
    description: Body = Field(min_length=1)
    description_html: Body | None = None
    requester: RequesterIn | None = None
    priority: Priority = Priority.normal
    type: TicketType = TicketType.question
    service: Annotated[str, StringConstraints(max_length=100)] | int | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    custom_fields: dict[FieldKey, Any] = Field(default_factory=dict, max_length=50)
    assignee_id: int | None = None
    team_id: int | None = None
    channel: Channel | None = None

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, tags: list[str]) -> list[str]:
        return list(dict.fromkeys(tags))


class TicketUpdate(Strict):
    subject: Subject | None = None
    status: Status | None = None
    priority: Priority | None = None
    type: TicketType | None = None
    assignee_id: int | None = None
    team_id: int | None = None
    service: Annotated[str, StringConstraints(max_length=100)] | int | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    custom_fields: dict[FieldKey, Any] | None = Field(default=None, max_length=50)

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, tags: list[str] | None) -> list[str] | None:
        return None if tags is None else list(dict.fromkeys(tags))


class Upload(BaseModel):
    """An attachment as received, before it is stored."""

    filename: str
    content_type: str
    data: bytes


class MessageCreate(Strict):
    body: Body = ""
    body_html: Body | None = None
    public: bool = True
    status: Status | None = None

    def is_empty(self) -> bool:
        return not self.body.strip() and not (self.body_html or "").strip()


class MergeRequest(Strict):
    target_id: int


class PersonOut(BaseModel):
    kind: str
    id: int | None
    name: str
    email: str | None = None


class AttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    content_type: str
    size: int
    url: str = ""


class MessageOut(BaseModel):
    id: int
    ticket_id: int
    author: PersonOut
    public: bool
    channel: Channel
    body_html: str
    body_text: str
    created_at: datetime
    attachments: list[AttachmentOut]


class TicketOut(BaseModel):
    id: int
    subject: str
    status: Status
    priority: Priority
    type: TicketType
    channel: Channel
    requester: PersonOut
    organization_id: int | None
    assignee_id: int | None
    team_id: int | None
    service: str | None
    tags: list[str]
    custom_fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    first_public_reply_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None
    reopen_count: int
    merged_into_id: int | None
    version: int


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    actor_kind: str
    actor_id: int | None
    field: str
    old_value: str | None
    new_value: str | None
    created_at: datetime


class CustomFieldCreate(Strict):
    key: FieldKey
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    field_type: CustomFieldType
    choices: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=100
    )


class CustomFieldOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    label: str
    field_type: CustomFieldType
    choices: list[str]
