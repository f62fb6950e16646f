"""Demo on-call data: per team a primary and a backup weekly rotation (in the team's time
zone), an escalation policy per service, a past drill with its results, a resolved page,
and one upcoming public maintenance window."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.accounts.models import Role, Service, Team
from csops.domains.oncall import drills, maintenance, pages, policies, schedules, service
from csops.domains.oncall.models import Schedule
from csops.domains.oncall.schemas import (
    DrillIn,
    LayerIn,
    LevelIn,
    MaintenanceIn,
    PolicyIn,
    ScheduleIn,
    TargetIn,
)

ZONES = ("Europe/Berlin", "America/New_York", "Asia/Shanghai", "UTC")


def _rotations(session: Session, team: Team, tz: str, now: datetime) -> list[Schedule]:
    people = sorted(
        (u for u in team.members if u.is_active and u.role != Role.admin),
        key=lambda u: (u.role != Role.engineer, u.id),
    )
    if not people:
        return []
    ids = [u.id for u in people]
    monday = (now - timedelta(days=now.weekday() + 28)).replace(tzinfo=None)
    start = monday.replace(hour=9, minute=0, second=0, microsecond=0)
    made = []
    for role, order in (("primary", ids), ("backup", ids[1:] + ids[:1])):
        made.append(
            schedules.save_schedule(
                session,
                data=ScheduleIn(
                    name=f"{team.name} {role}",
                    description=f"Weekly {role} on-call rotation, handoff Monday 09:00 {tz}",
                    team_id=team.id,
                    role=role,
                    time_zone=tz,
                    layers=[LayerIn(name="Weekly", participant_ids=order, starts_local=start)],
                ),
            )
        )
    return made


def _policy(session: Session, svc: Service, rotation: list[Schedule], manager: int | None) -> None:
    second = [TargetIn(kind="schedule", id=rotation[1].id)]
    if manager is not None:
        second.append(TargetIn(kind="user", id=manager))
    policies.save_policy(
        session,
        data=PolicyIn(
            name=f"{svc.name} escalation",
            service_id=svc.id,
            team_id=svc.owning_team_id,
            repeat=1,
            levels=[
                LevelIn(timeout_minutes=10, targets=[TargetIn(kind="schedule", id=rotation[0].id)]),
                LevelIn(timeout_minutes=15, targets=second),
            ],
        ),
    )


def _history(session: Session, team: Team, svc: Service, now: datetime, rng: random.Random) -> None:
    at = now - timedelta(days=10, hours=rng.randint(0, 8))
    drill = drills.schedule_drill(
        session, data=DrillIn(team_id=team.id, service_id=svc.id, at=at), created_by_id=None
    )
    with clock.frozen(at):
        drills.start_drill(session, drill_id=drill.id)
    assert drill.page_id is not None  # noqa: S101
    responder = schedules.user_on_call(session, _primary(session, team), at)
    with clock.frozen(at + timedelta(seconds=rng.randint(90, 400))):
        pages.acknowledge(session, page_id=drill.page_id, user_id=responder)
    with clock.frozen(at + timedelta(seconds=rng.randint(420, 900))):
        pages.join(session, page_id=drill.page_id, user_id=responder)
        pages.resolve(session, page_id=drill.page_id, user_id=responder)
    real = now - timedelta(days=3, hours=2)
    with clock.frozen(real):
        page = service.trigger_page(
            session,
            title=f"{svc.name}: error rate above 5 %",
            dedup_key=f"demo:{svc.slug}",
            service_id=svc.id,
            source="alertmanager",
            details="5xx ratio 7.2 % over 5 minutes",
        )
    if page is not None:
        with clock.frozen(real + timedelta(minutes=4)):
            pages.acknowledge(session, page_id=page.id, user_id=responder)
        with clock.frozen(real + timedelta(minutes=48)):
            pages.resolve(session, page_id=page.id, user_id=responder)


def _primary(session: Session, team: Team) -> Schedule:
    return next(
        s for s in schedules.list_schedules(session, team_id=team.id) if s.role == "primary"
    )


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    teams = session.scalars(select(Team).order_by(Team.id)).all()
    by_team: dict[int, list[Schedule]] = {}
    for i, team in enumerate(teams):
        made = _rotations(session, team, ZONES[i % len(ZONES)], now)
        if made:
            by_team[team.id] = made
    services = session.scalars(select(Service).order_by(Service.id)).all()
    for svc in services:
        rotation = by_team.get(svc.owning_team_id or 0)
        if rotation is None:
            continue
        owner = session.get(Team, svc.owning_team_id)
        managers = [u.id for u in owner.members if u.role == Role.manager] if owner else []
        _policy(session, svc, rotation, managers[0] if managers else None)
    first = next((s for s in services if s.owning_team_id in by_team), None)
    if first is not None and first.owning_team_id is not None:
        drilled = session.get(Team, first.owning_team_id)
        assert drilled is not None  # noqa: S101
        _history(session, drilled, first, now, rng)
    if services:
        target = next((s for s in services if s.slug == "billing"), services[0])
        start = (now + timedelta(days=3)).replace(hour=2, minute=0, second=0, microsecond=0)
        maintenance.create_window(
            session,
            data=MaintenanceIn(
                service_id=target.id,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                description="Database upgrade; invoices may be delayed by a few minutes.",
                public=True,
            ),
        )
