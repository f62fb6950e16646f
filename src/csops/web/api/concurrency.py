"""Two writers on one ticket at the same moment: the later one is told to retry (409).

Tickets carry a version column (it is also their ETag); an UPDATE that finds the version
moved under it raises StaleDataError, which is a conflict to report, never a 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from csops.errors import Conflict


@contextmanager
def saving() -> Iterator[None]:
    try:
        yield
    except StaleDataError as exc:
        raise Conflict("the ticket was changed by someone else at the same time; retry") from exc
