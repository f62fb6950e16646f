"""Maintenance windows per service: pages for the service are suppressed while one is on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.models import Service
from csops.domains.oncall.models import MaintenanceWindow, PageSuppression
from csops.domains.oncall.schemas import MaintenanceIn
from csops.errors import Invalid, NotFound


def create_window(session: Session, *, data: MaintenanceIn) -> MaintenanceWindow:
    if session.get(Service, data.service_id) is None:
        raise Invalid("unknown service")
    window = MaintenanceWindow(
        service_id=data.service_id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        description=data.description,
        public=data.public,
    )
    session.add(window)
    session.flush()
    return window


def delete_window(session: Session, *, window_id: int) -> None:
    window = session.get(MaintenanceWindow, window_id)
    if window is None:
        raise NotFound("maintenance window not found")
    session.delete(window)
    session.flush()


def active_window(
    session: Session, *, service_id: int, at: datetime | None = None
) -> MaintenanceWindow | None:
    moment = at or now()
    return session.scalars(
        select(MaintenanceWindow)
        .where(
            MaintenanceWindow.service_id == service_id,
            MaintenanceWindow.starts_at <= moment,
            MaintenanceWindow.ends_at > moment,
        )
        .order_by(MaintenanceWindow.ends_at.desc())
        .limit(1)
    ).first()


def list_windows(
    session: Session,
    *,
    service_id: int | None = None,
    public_only: bool = False,
    current_or_upcoming: bool = False,
    at: datetime | None = None,
) -> Sequence[MaintenanceWindow]:
    query = select(MaintenanceWindow).order_by(MaintenanceWindow.starts_at)
    if service_id is not None:
        query = query.where(MaintenanceWindow.service_id == service_id)
    if public_only:
        query = query.where(MaintenanceWindow.public.is_(True))
    if current_or_upcoming:
        query = query.where(MaintenanceWindow.ends_at > (at or now()))
    return session.scalars(query.limit(500)).all()


def record_suppression(
    session: Session,
    *,
    window: MaintenanceWindow,
    title: str,
    dedup_key: str,
    source: str,
) -> PageSuppression:
    row = PageSuppression(
        maintenance_id=window.id,
        service_id=window.service_id,
        title=title[:300],
        dedup_key=dedup_key[:300],
        source=source[:50],
    )
    session.add(row)
    session.flush()
    return row


def suppressions(session: Session, *, window_id: int | None = None) -> Sequence[PageSuppression]:
    query = select(PageSuppression).order_by(PageSuppression.id.desc())
    if window_id is not None:
        query = query.where(PageSuppression.maintenance_id == window_id)
    return session.scalars(query.limit(500)).all()
