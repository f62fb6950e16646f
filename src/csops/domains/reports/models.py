"""Tables of the reports domain: public KPI share links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from csops.clock import now
from csops.db import Base


class KpiShare(Base):
    """A read-only public KPI page a manager shares with every team; revocable.

    Only the SHA-256 of the link's token is stored; the page shows aggregates, never
    customer names or organizations.
    """

    __tablename__ = "kpi_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Filter scope: {"days": 30, "team_id": 3, "service_id": null}
    scope: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
