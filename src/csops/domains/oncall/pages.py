"""Pages: trigger (coalesced), notify the current level, escalate on a timer, ack/resolve/join.

Every escalation timer is a job carrying the page's `timer_token` at planning time. Any
change of plan (acknowledged, resolved, escalated) writes a new token, so a timer that
fires late finds a different token and does nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from csops import signing
from csops.clock import now
from csops.config import get_settings
from csops.domains.accounts.models import Service, Team, User
from csops.domains.live import service as live
from csops.domains.notifications import service as notifications
from csops.domains.oncall import schedules, templates  # noqa: F401  (registers "page")
from csops.domains.oncall.models import (
    Drill,
    DrillStatus,
    Page,
    PageNotification,
    PageStatus,
    Policy,
    Schedule,
    ScheduleRole,
)
from csops.errors import Invalid, NotFound
from csops.jobs.queue import enqueue

ESCALATE_JOB = "oncall.escalate"
LINK_PURPOSE = "oncall.page"
ACTIONS = ("acknowledge", "resolve")


@dataclass(frozen=True)
class Level:
    timeout: timedelta
    user_ids: list[int]


def get_page(session: Session, page_id: int) -> Page:
    page = session.get(Page, page_id)
    if page is None:
        raise NotFound("page not found")
    return page


def list_pages(
    session: Session, *, status: str | None = None, limit: int = 100, offset: int = 0
) -> Sequence[Page]:
    query = select(Page).order_by(Page.created_at.desc(), Page.id.desc())
    if status:
        query = query.where(Page.status == PageStatus(status))
    return session.scalars(query.limit(limit).offset(offset)).all()


def _coalescable(
    session: Session,
    *,
    dedup_key: str,
    service_id: int | None,
    incident_id: int | None,
    drill: bool,
    at: datetime,
) -> Page | None:
    window = timedelta(minutes=get_settings().oncall_coalesce_minutes)
    same = [Page.dedup_key == dedup_key]
    if incident_id is not None:
        same.append(Page.incident_id == incident_id)
    if service_id is not None and not drill:
        same.append(Page.service_id == service_id)
    return session.scalars(
        select(Page)
        .where(
            Page.status != PageStatus.resolved,
            Page.is_drill.is_(drill),
            Page.last_triggered_at >= at - window,
            or_(*same),
        )
        .order_by(Page.id)
        .limit(1)
    ).first()


def create_or_coalesce(
    session: Session,
    *,
    title: str,
    dedup_key: str,
    service_id: int | None,
    team_id: int | None,
    incident_id: int | None,
    source: str,
    details: str,
    drill: bool,
) -> Page:
    at = now()
    key = dedup_key or f"{source}:{service_id or ''}:{team_id or ''}:{title}"[:300]
    found = _coalescable(
        session, dedup_key=key, service_id=service_id, incident_id=incident_id, drill=drill, at=at
    )
    if found is not None:
        found.trigger_count += 1
        found.last_triggered_at = at
        if found.incident_id is None and incident_id is not None:
            found.incident_id = incident_id
        session.flush()
        _publish(session, found, "retriggered")
        return found
    if team_id is None and service_id is not None:
        service = session.get(Service, service_id)
        team_id = service.owning_team_id if service else None
    page = Page(
        title=title[:300],
        details=details,
        dedup_key=key,
        source=source[:50],
        status=PageStatus.triggered,
        service_id=service_id,
        team_id=team_id,
        incident_id=incident_id,
        is_drill=drill,
        trigger_count=1,
        level_index=0,
        cycle=0,
        created_at=at,
        last_triggered_at=at,
    )
    page.policy_id = _policy_for(session, service_id, team_id)
    session.add(page)
    session.flush()
    _page_level(session, page)
    _publish(session, page, "triggered")
    return page


def _policy_for(session: Session, service_id: int | None, team_id: int | None) -> int | None:
    if service_id is not None:
        found = session.scalar(select(Policy.id).where(Policy.service_id == service_id).limit(1))
        if found is not None:
            return found
    if team_id is not None:
        return session.scalar(
            select(Policy.id).where(Policy.team_id == team_id, Policy.service_id.is_(None)).limit(1)
        )
    return None


def levels(session: Session, page: Page) -> list[Level]:
    """The page's escalation levels, resolved to users now (on-call changes are honoured)."""
    policy = session.get(Policy, page.policy_id) if page.policy_id else None
    if policy is not None and policy.levels:
        return [
            Level(timedelta(minutes=lvl.timeout_minutes), resolve_targets(session, lvl.targets))
            for lvl in policy.levels
        ]
    if page.team_id is None:
        return []
    timeout = timedelta(minutes=get_settings().oncall_default_timeout_minutes)
    on_call = schedules.team_on_call(session, page.team_id)
    primary = [uid for s, uid in on_call if s.role == ScheduleRole.primary]
    backup = [uid for s, uid in on_call if s.role == ScheduleRole.backup]
    if not primary and not backup:
        primary = _team_members(session, page.team_id)
    return [Level(timeout, ids) for ids in (primary, backup) if ids]


def _team_members(session: Session, team_id: int) -> list[int]:
    team = session.get(Team, team_id)
    return sorted(u.id for u in team.members if u.is_active) if team else []


def resolve_targets(session: Session, targets: Sequence[dict[str, Any]]) -> list[int]:
    out: list[int] = []
    for target in targets:
        kind, ident = target.get("kind"), int(target.get("id", 0))
        if kind == "user":
            user = session.get(User, ident)
            found = [user.id] if user is not None and user.is_active else []
        elif kind == "schedule":
            schedule = session.get(Schedule, ident)
            uid = schedules.user_on_call(session, schedule) if schedule else None
            found = [uid] if uid is not None else []
        else:
            found = [
                u
                for s, u in schedules.team_on_call(session, ident)
                if s.role == ScheduleRole.primary
            ] or _team_members(session, ident)
        out.extend(u for u in found if u not in out)
    return out


def _page_level(session: Session, page: Page) -> None:
    """Notify everyone at the page's current level and plan the timer for the next."""
    plan = levels(session, page)
    if not plan:
        page.timer_token = ""
        return
    level = plan[min(page.level_index, len(plan) - 1)]
    for user_id in level.user_ids:
        _notify_user(session, page, user_id)
    page.timer_token = secrets.token_hex(8)
    enqueue(
        session,
        kind=ESCALATE_JOB,
        payload={"page_id": page.id, "token": page.timer_token},
        run_at=now() + level.timeout,
        unique_key=f"{ESCALATE_JOB}:{page.id}:{page.timer_token}",
    )
    session.flush()


def escalate(session: Session, *, page_id: int, token: str) -> bool:
    """Timer handler: move to the next level (or the next cycle); False when stale."""
    page = session.get(Page, page_id)
    if page is None or page.status != PageStatus.triggered or page.timer_token != token:
        return False
    plan = levels(session, page)
    policy = session.get(Policy, page.policy_id) if page.policy_id else None
    repeat = policy.repeat if policy else 0
    nxt, cycle = page.level_index + 1, page.cycle
    if nxt >= len(plan):
        if cycle >= repeat:
            page.timer_token = ""
            session.flush()
            return False
        nxt, cycle = 0, cycle + 1
    page.level_index, page.cycle = nxt, cycle
    _page_level(session, page)
    _publish(session, page, "escalated")
    return True


def links(page_id: int, user_id: int) -> dict[str, str]:
    base = get_settings().base_url.rstrip("/")
    out = {"page_url": f"{base}/oncall/pages/{page_id}"}
    for action in ACTIONS:
        token = signing.dumps(LINK_PURPOSE, {"p": page_id, "u": user_id, "a": action})
        out[f"{action}_url"] = f"{base}/oncall/link/{token}"
    return out


def read_link(token: str) -> tuple[int, int, str]:
    max_age = get_settings().oncall_link_max_age_hours * 3600
    data = signing.loads(LINK_PURPOSE, token, max_age_seconds=max_age)
    if not isinstance(data, dict) or data.get("a") not in ACTIONS:
        raise Invalid("this link is not valid")
    return int(data["p"]), int(data["u"]), str(data["a"])


def _notify_user(session: Session, page: Page, user_id: int) -> None:
    session.add(
        PageNotification(
            page_id=page.id, user_id=user_id, level_index=page.level_index, cycle=page.cycle
        )
    )
    context = {
        "title": page.title,
        "details": page.details,
        "page_id": page.id,
        "level": page.level_index + 1,
        "is_drill": page.is_drill,
        "trigger_count": page.trigger_count,
        **links(page.id, user_id),
    }
    notifications.notify(
        session,
        event_key=f"oncall.page:{page.id}:{page.cycle}:{page.level_index}",
        kind="page",
        template="page",
        context=context,
        user_id=user_id,
        channel=None,
        essential=True,
    )


def _publish(session: Session, page: Page, event: str) -> None:
    live.publish(
        session,
        topic="pages",
        payload={
            "page_id": page.id,
            "event": event,
            "status": page.status.value,
            "title": page.title,
            "is_drill": page.is_drill,
        },
    )


def acknowledge(session: Session, *, page_id: int, user_id: int | None) -> Page:
    page = get_page(session, page_id)
    if page.status == PageStatus.triggered:
        page.status = PageStatus.acknowledged
        page.acknowledged_at = now()
        page.acknowledged_by_id = user_id
        page.timer_token = ""
        session.flush()
        _drill_progress(session, page)
        _publish(session, page, "acknowledged")
    return page


def resolve(session: Session, *, page_id: int, user_id: int | None) -> Page:
    page = get_page(session, page_id)
    if page.status != PageStatus.resolved:
        if page.acknowledged_at is None:
            page.acknowledged_at = now()
            page.acknowledged_by_id = user_id
        page.status = PageStatus.resolved
        page.resolved_at = now()
        page.resolved_by_id = user_id
        page.timer_token = ""
        session.flush()
        _drill_progress(session, page)
        _publish(session, page, "resolved")
    return page


def join(session: Session, *, page_id: int, user_id: int | None) -> Page:
    """The responder joined the response (bridge/room); for drills this is "time to join"."""
    page = get_page(session, page_id)
    if page.joined_at is None:
        page.joined_at = now()
        page.joined_by_id = user_id
        session.flush()
        _drill_progress(session, page)
        _publish(session, page, "joined")
    return page


def _drill_progress(session: Session, page: Page) -> None:
    if not page.is_drill:
        return
    drill = session.scalar(select(Drill).where(Drill.page_id == page.id))
    if drill is None or drill.started_at is None:
        return
    if page.acknowledged_at is not None and drill.acknowledged_at is None:
        drill.acknowledged_at = page.acknowledged_at
        drill.seconds_to_ack = int((page.acknowledged_at - drill.started_at).total_seconds())
        plan_len = max(len(levels(session, page)), 1)
        drill.levels_reached = page.cycle * plan_len + page.level_index + 1
    if page.joined_at is not None and drill.joined_at is None:
        drill.joined_at = page.joined_at
        drill.seconds_to_join = int((page.joined_at - drill.started_at).total_seconds())
    if drill.acknowledged_at is not None and drill.joined_at is not None:
        drill.status = DrillStatus.completed
    elif page.status == PageStatus.resolved:
        drill.status = DrillStatus.completed
    session.flush()


def notified(session: Session, *, page_id: int) -> Sequence[PageNotification]:
    return session.scalars(
        select(PageNotification)
        .where(PageNotification.page_id == page_id)
        .order_by(PageNotification.id)
    ).all()
