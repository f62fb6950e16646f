"""Publish "something changed" in the caller's transaction; SSE streams read what follows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.live.models import LiveEvent

_INSERT = insert(cast(Table, LiveEvent.__table__))


def publish(session: Session, *, topic: str, payload: dict[str, Any]) -> None:
    """A plain INSERT in the caller's transaction (no ORM object: nothing reads it back)."""
    session.connection().execute(_INSERT, {"topic": topic, "payload": payload})


def latest_id(session: Session) -> int:
    return session.scalar(select(func.max(LiveEvent.id))) or 0


def since(
    session: Session, *, after_id: int, topics: Sequence[str], limit: int = 200
) -> Sequence[LiveEvent]:
    return session.scalars(
        select(LiveEvent)
        .where(LiveEvent.id > after_id, LiveEvent.topic.in_(list(topics)))
        .order_by(LiveEvent.id)
        .limit(limit)
    ).all()


def prune(session: Session, *, older_than: timedelta = timedelta(hours=1)) -> int:
    result = session.execute(delete(LiveEvent).where(LiveEvent.created_at < now() - older_than))
    return int(getattr(result, "rowcount", 0) or 0)
