"""Durations and percentiles in SQL, the same on SQLite and PostgreSQL.

PostgreSQL computes percentiles in the database (`percentile_cont`); SQLite has none, so
the durations are fetched (one float column, already filtered) and ranked in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Float, Select, func, literal_column, select
from sqlalchemy.orm import Session


def seconds_between(session: Session, start: Any, end: Any) -> ColumnElement[float]:
    """`end - start` in seconds, as a float expression."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start).cast(Float)
    return ((func.julianday(end) - func.julianday(start)) * 86400.0).cast(Float)


def percentiles(
    session: Session, query: Select[Any], quantiles: Sequence[float] = (0.5, 0.9)
) -> tuple[int, list[float | None]]:
    """How many values the single float column of `query` holds, and their percentiles
    (None for each when there are none)."""
    sub = query.subquery()
    column = next(iter(sub.c))
    if session.get_bind().dialect.name == "postgresql":
        exprs = [
            func.percentile_cont(q).within_group(column.asc()).label(f"p{int(q * 100)}")
            for q in quantiles
        ]
        row = session.execute(select(func.count(column), *exprs).select_from(sub)).one()
        return int(row[0] or 0), [None if v is None else float(v) for v in row[1:]]
    values = session.scalars(select(column).where(column.is_not(None))).all()
    if not values:
        return 0, [None for _ in quantiles]
    array = np.asarray(values, dtype=float)
    return len(values), [float(np.quantile(array, q)) for q in quantiles]


def day_bucket(session: Session, column: Any) -> ColumnElement[str]:
    """The UTC calendar day of a timestamp column, as 'YYYY-MM-DD'."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), literal_column("'YYYY-MM-DD'"))
    return func.strftime("%Y-%m-%d", column)
