"""The demo data of each area, loaded after the tickets, in dependency order.

Each area's module in `csops.demo` has `load(session, *, now, rng)`; it runs in a
transaction of its own, so one area's data never half-exists. An area whose module is
missing is skipped (an installation may leave one out).
"""

from __future__ import annotations

import importlib
import importlib.util
import random
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from csops.db import session_scope
from csops.domains.notifications import manage

ORDER = (
    "notifications",
    "mail",
    "chat",
    "intake",
    "rules",
    "oncall",
    "incidents",
    "signals",
    "sla",
    "feedback",
    "journeys",
    "reports",
    "maturity",
)


def load_areas(
    engine: Engine,
    *,
    now: datetime,
    rng: random.Random,
    on_area: Callable[[str, float], None] | None = None,
) -> list[str]:
    """Loads every present area; returns the names loaded."""
    loaded = []
    for name in ORDER:
        module_name = f"csops.demo.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        started = time.perf_counter()
        with session_scope(engine) as session:
            module.load(session, now=now, rng=rng)
        loaded.append(name)
        if on_area is not None:
            on_area(name, time.perf_counter() - started)
    return loaded


def settle_history(engine: Engine) -> int:
    """The demo's messages are history: mark them delivered so a fresh demo does not try to
    email made-up customers. Returns how many were settled."""
    with session_scope(engine) as session:
        return manage.record_pending_as_delivered(session)
