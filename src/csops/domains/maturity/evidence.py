"""Evidence from csops's own data, proposed per practice with the figure it rests on.

Each collector looks at what csops can see over a recent window and returns an `Evidence`:
- "met" / "partial" / "not_met": csops has the feature and its data says how far the
  practice is in place (the figure shows the numbers);
- "missing": csops cannot see it (the area holds no data at all, or is not installed).
Missing evidence is shown as missing, never guessed. Collectors read other areas' tables
by name through the shared metadata, so this domain imports none of them; a table that is
absent reads as missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, Table, and_, func, select
from sqlalchemy.orm import Session

from csops.db import Base
from csops.domains.maturity.scoring import Answer

Status = Literal["met", "partial", "not_met", "missing"]
WINDOW = timedelta(days=90)


@dataclass(frozen=True)
class Evidence:
    status: Status
    figure: str
    detail: str = ""

    @property
    def suggested(self) -> Answer | None:
        return {
            "met": Answer.in_place,
            "partial": Answer.partly,
            "not_met": Answer.not_in_place,
        }.get(self.status)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


MISSING = Evidence("missing", "no data in csops")
Collector = Callable[[Session, datetime], Evidence]
COLLECTORS: dict[str, Collector] = {}


def collector(name: str) -> Callable[[Collector], Collector]:
    def register(fn: Collector) -> Collector:
        COLLECTORS[name] = fn
        return fn

    return register


def table(name: str) -> Table | None:
    return Base.metadata.tables.get(name)


def count(session: Session, tbl: Table, *where: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(tbl)
    if where:
        query = query.where(and_(*where))
    return int(session.scalar(query) or 0)


def ratio_status(share: float, met: float, partial: float) -> Status:
    if share >= met:
        return "met"
    return "partial" if share >= partial else "not_met"


def pct(value: float) -> str:
    return f"{value * 100:.1f} %"


def collect(session: Session, name: str | None, at: datetime) -> Evidence | None:
    """The evidence for a practice's collector `name`; None when the practice has none."""
    if name is None:
        return None
    fn = COLLECTORS.get(name)
    if fn is None:
        return MISSING
    try:
        with session.begin_nested():
            return fn(session, at)
    except Exception as exc:  # a broken query must not break the assessment page
        return Evidence("missing", "could not be computed", type(exc).__name__)
