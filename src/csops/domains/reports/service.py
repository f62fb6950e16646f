"""Use cases of the reports domain: the KPI dashboard for staff, and public share links."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.reports import kpis
from csops.domains.reports.filters import KpiFilter
from csops.domains.reports.models import KpiShare
from csops.errors import Invalid, NotFound, PermissionDenied

PERIODS = (7, 30, 90, 365)
MANAGERS = ("manager", "admin")


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise NotFound("not found")


def require_manager(actor: Actor) -> None:
    require_staff(actor)
    if actor.role is not None and actor.role.value not in MANAGERS:
        raise PermissionDenied("only managers and admins share KPI pages")


def last_days(days: int, **scope: Any) -> KpiFilter:
    if days not in PERIODS:
        raise Invalid(f"the period must be one of {', '.join(map(str, PERIODS))} days")
    end = now()
    return KpiFilter(start=end - timedelta(days=days), end=end, **scope)


def staff_dashboard(session: Session, *, f: KpiFilter, actor: Actor) -> kpis.Dashboard:
    require_staff(actor)
    if f.end <= f.start:
        raise Invalid("the period must end after it starts")
    if f.end - f.start > timedelta(days=731):
        raise Invalid("a period may cover at most two years")
    return kpis.dashboard(session, f)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_share(
    session: Session, *, title: str, days: int, team_id: int | None, actor: Actor
) -> tuple[KpiShare, str]:
    """A public link to the KPIs of the last `days` (optionally one team); the token is
    returned once and only its hash is kept."""
    require_manager(actor)
    last_days(days)  # validates the period
    title = title.strip()
    if not title or len(title) > 200:
        raise Invalid("give the shared page a title of at most 200 characters")
    token = secrets.token_urlsafe(24)
    share = KpiShare(
        title=title,
        token_hash=_hash(token),
        scope={"days": days, "team_id": team_id},
        created_by_id=actor.id if actor.kind == "user" else None,
    )
    session.add(share)
    session.flush()
    return share, token


def list_shares(session: Session, *, actor: Actor) -> Sequence[KpiShare]:
    require_staff(actor)
    return session.scalars(select(KpiShare).order_by(KpiShare.created_at.desc())).all()


def revoke_share(session: Session, *, share_id: int, actor: Actor) -> None:
    require_manager(actor)
    share = session.get(KpiShare, share_id)
    if share is None:
        raise NotFound(f"share {share_id} not found")
    share.revoked_at = share.revoked_at or now()
    session.flush()


def public_dashboard(session: Session, *, token: str) -> tuple[KpiShare, kpis.Dashboard]:
    """The dashboard behind a share link, without anything that names a customer."""
    share = session.scalar(select(KpiShare).where(KpiShare.token_hash == _hash(token)))
    if share is None or share.revoked_at is not None:
        raise NotFound("this KPI page does not exist or is no longer shared")
    f = last_days(int(share.scope.get("days", 30)), team_id=share.scope.get("team_id"))
    board = kpis.dashboard(session, f)
    board.volume = replace(board.volume, by_organization={})
    board.extra = {k: v for k, v in board.extra.items() if k != "csat_by_agent"}
    return share, board
