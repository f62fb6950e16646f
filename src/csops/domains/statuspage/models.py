"""Tables of the statuspage domain: components and subscribers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from csops.clock import now
from csops.db import Base


class StatusComponent(Base):
    """One line of a brand's status page, showing the health of one service."""

    __tablename__ = "status_components"
    __table_args__ = (UniqueConstraint("brand", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand: Mapped[str] = mapped_column(String(100), default="default", index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=now)


class StatusSubscriber(Base):
    """An email address (after double opt-in) or a webhook URL told of every change."""

    __tablename__ = "status_subscribers"
    __table_args__ = (UniqueConstraint("brand", "kind", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand: Mapped[str] = mapped_column(String(100), default="default")
    kind: Mapped[str] = mapped_column(String(20), default="email")
    target: Mapped[str] = mapped_column(String(2000))
    confirmed_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
