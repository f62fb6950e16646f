"""In-process cache of rendered status pages.

A rendering is reused while the data it came from is unchanged. The check is one cheap
query (a fingerprint of incidents, components and maintenance windows, plus the current
minute so maintenance starting or ending shows), run at most every
`status_cache_seconds` per process: under load almost every request is served from memory
without touching the database, and a change shows within that many seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.config import get_settings
from csops.domains.incidents.models import Incident, IncidentUpdate
from csops.domains.oncall.models import MaintenanceWindow
from csops.domains.statuspage.models import StatusComponent


@dataclass
class _Entry:
    fingerprint: tuple[Any, ...]
    checked: float
    value: Any


_entries: dict[tuple[str, ...], _Entry] = {}
_lock = threading.Lock()


def fingerprint(session: Session) -> tuple[Any, ...]:
    row = session.execute(
        select(
            select(func.max(Incident.updated_at)).scalar_subquery(),
            select(func.count(Incident.id)).scalar_subquery(),
            select(func.max(IncidentUpdate.id)).scalar_subquery(),
            select(func.max(StatusComponent.id)).scalar_subquery(),
            select(func.count(StatusComponent.id)).scalar_subquery(),
            select(func.max(MaintenanceWindow.id)).scalar_subquery(),
            select(func.count(MaintenanceWindow.id)).scalar_subquery(),
        )
    ).one()
    return (*(str(v) for v in row), now().strftime("%Y%m%d%H%M"))


def peek(key: tuple[str, ...]) -> Any:
    """The cached value while it is fresh (no database needed), else None."""
    entry = _entries.get(key)
    if entry is not None and time.monotonic() - entry.checked < get_settings().status_cache_seconds:
        return entry.value
    return None


def cached(
    key: tuple[str, ...], session_factory: Callable[[], Session], render: Callable[[Session], Any]
) -> Any:
    """The cached value for `key`, rendered again when the fingerprint moved."""
    ttl = get_settings().status_cache_seconds
    entry = _entries.get(key)
    clock = time.monotonic()
    if entry is not None and clock - entry.checked < ttl:
        return entry.value
    session = session_factory()
    try:
        current = fingerprint(session)
        if entry is not None and entry.fingerprint == current:
            entry.checked = clock
            return entry.value
        value = render(session)
    finally:
        session.close()
    with _lock:
        _entries[key] = _Entry(current, clock, value)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()
