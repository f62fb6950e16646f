"""Pydantic shapes of the live-chat widget's API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, StringConstraints

Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChatStart(Strict):
    message: Body
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    email: EmailStr | None = None
    visitor_token: Annotated[str, StringConstraints(max_length=500)] | None = None
    page: Annotated[str, StringConstraints(max_length=300)] = ""


class ChatSay(Strict):
    body: Body


class FollowupIn(Strict):
    email: EmailStr | None = None


class ChatMessageOut(BaseModel):
    id: int
    author: str  # customer | agent | system
    name: str
    body_text: str
    created_at: datetime


class ChatState(BaseModel):
    ticket_id: int
    status: str
    anonymous: bool
    followup_offered: bool
    followup_requested: bool
    messages: list[ChatMessageOut]


class ChatStarted(ChatState):
    chat_token: str
    visitor_token: str
    stream_url: str
