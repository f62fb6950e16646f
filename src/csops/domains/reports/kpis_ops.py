"""KPIs from the operations areas (SLA attainment, CSAT, escalations, incidents), read from
their tables by name: an area that is absent contributes nothing (shown as "no data")."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.domains.reports.filters import KpiFilter


def collect(session: Session, f: KpiFilter) -> dict[str, Any]:
    return {}
