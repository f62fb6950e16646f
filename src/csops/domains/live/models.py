"""A short-lived feed of "something changed" rows that SSE streams poll.

A table rather than in-process queues so that every `csops serve` and `csops worker`
process, on any machine, sees the same feed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from csops.clock import now
from csops.db import Base


class LiveEvent(Base):
    __tablename__ = "live_events"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    topic: Mapped[str] = mapped_column(String(100), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
