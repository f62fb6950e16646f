"""Tables of the rules domain: ordered routing rules (triggers) run on ticket changes."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from csops.clock import now
from csops.db import Base, JSONType, str_enum


class Match(enum.StrEnum):
    all = "all"
    any = "any"


class RoutingRule(Base):
    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0, index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    on_create: Mapped[bool] = mapped_column(default=True)
    on_update: Mapped[bool] = mapped_column(default=False)
    match: Mapped[Match] = mapped_column(str_enum(Match, "rule_match"), default=Match.all)
    conditions: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    actions: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    stop_processing: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)
