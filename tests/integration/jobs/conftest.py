"""Fixtures for the job runner tests."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from csops.jobs import schedule  # noqa: E402


@pytest.fixture
def temp_schedule() -> Iterator[Callable[[str, str, str], None]]:
    """Register cron entries for one test beside the built-in maintenance ones only (the
    areas' own schedules are left out); the table is restored afterwards."""
    saved = dict(schedule._SCHEDULES)
    for name, entry in saved.items():
        if not entry.kind.startswith("maintenance."):
            del schedule._SCHEDULES[name]
    yield schedule.register_schedule
    schedule._SCHEDULES.clear()
    schedule._SCHEDULES.update(saved)


@pytest.fixture
def no_schedules() -> Iterator[None]:
    """An empty cron table, so time travel in a test enqueues no maintenance jobs."""
    saved = dict(schedule._SCHEDULES)
    schedule._SCHEDULES.clear()
    yield
    schedule._SCHEDULES.update(saved)
