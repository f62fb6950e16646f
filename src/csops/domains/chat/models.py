"""Tables of the chat domain: one live-chat conversation per ticket (channel=chat).

The transcript is the ticket's thread; this row only ties a widget visitor to the ticket and
carries the email follow-up timer's token (a job planned at chat start; stale once an agent
has answered or the token changed).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from csops.clock import now
from csops.db import Base


class ChatSession(Base):
    __tablename__ = "chat_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), unique=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    visitor_id: Mapped[str] = mapped_column(String(64), index=True)
    anonymous: Mapped[bool] = mapped_column(default=False)
    origin: Mapped[str] = mapped_column(String(300), default="")
    started_at: Mapped[datetime] = mapped_column(default=now)
    agent_answered_at: Mapped[datetime | None]
    followup_token: Mapped[str | None] = mapped_column(String(64))
    followup_offered_at: Mapped[datetime | None]
    followup_email: Mapped[str | None] = mapped_column(String(320))
    followup_requested_at: Mapped[datetime | None]
