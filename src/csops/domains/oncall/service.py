"""The oncall domain's public face for other domains (incidents, status page, intake).

    trigger_page(session, *, title, dedup_key, service_id=None, team_id=None,
                 incident_id=None, source, details="", drill=False) -> Page | None
    on_call_now(session, *, service_id=None, team_id=None, at=None) -> list[User]
    in_maintenance(session, *, service_id, at=None) -> bool
    maintenance_windows(session, *, service_id=None, public_only=True) -> [MaintenanceWindow]
    drill_results(session, *, team_id=None) -> [dict]   (for the maturity assessment)

Schedules, policies, drills and pages live in their own modules of this package; the web
and CLI layers call those directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.models import Service, User
from csops.domains.oncall import drills, maintenance, pages, schedules
from csops.domains.oncall.models import MaintenanceWindow, Page

__all__ = [
    "drill_results",
    "in_maintenance",
    "maintenance_windows",
    "on_call_now",
    "trigger_page",
]


def trigger_page(
    session: Session,
    *,
    title: str,
    dedup_key: str,
    service_id: int | None = None,
    team_id: int | None = None,
    incident_id: int | None = None,
    source: str,
    details: str = "",
    drill: bool = False,
) -> Page | None:
    """Page the on-call responders; None when a maintenance window of the service suppresses it.

    Triggers with the same dedup_key, incident or service within the coalescing window
    (while the page is unresolved) join the existing page and raise its trigger_count.
    """
    if service_id is not None and not drill:
        window = maintenance.active_window(session, service_id=service_id)
        if window is not None:
            maintenance.record_suppression(
                session, window=window, title=title, dedup_key=dedup_key, source=source
            )
            return None
    return pages.create_or_coalesce(
        session,
        title=title,
        dedup_key=dedup_key,
        service_id=service_id,
        team_id=team_id,
        incident_id=incident_id,
        source=source,
        details=details,
        drill=drill,
    )


def on_call_now(
    session: Session,
    *,
    service_id: int | None = None,
    team_id: int | None = None,
    at: datetime | None = None,
) -> list[User]:
    """Users on call for the team (or the service's owning team): primaries, then backups."""
    if team_id is None and service_id is not None:
        service = session.get(Service, service_id)
        team_id = service.owning_team_id if service else None
    if team_id is None:
        return []
    ids: list[int] = []
    for _schedule, user_id in schedules.team_on_call(session, team_id, at):
        if user_id not in ids:
            ids.append(user_id)
    if not ids:
        return []
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids))).all()}
    return [users[i] for i in ids if i in users]


def in_maintenance(session: Session, *, service_id: int, at: datetime | None = None) -> bool:
    return maintenance.active_window(session, service_id=service_id, at=at) is not None


def maintenance_windows(
    session: Session, *, service_id: int | None = None, public_only: bool = True
) -> Sequence[MaintenanceWindow]:
    """Current and upcoming windows (for the status page and intake)."""
    return maintenance.list_windows(
        session, service_id=service_id, public_only=public_only, current_or_upcoming=True
    )


def drill_results(session: Session, *, team_id: int | None = None) -> list[dict[str, object]]:
    """Started drills: seconds to acknowledge and to join, levels reached (None: not yet)."""
    return drills.results(session, team_id=team_id)
