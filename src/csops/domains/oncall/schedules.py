"""Schedules, layers, overrides and shift swaps; who is on call (maths in engine/rotation)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.models import Service, Team, User
from csops.domains.oncall.models import Layer, Override, Schedule, ScheduleRole
from csops.domains.oncall.schemas import (
    LayerIn,
    OverrideIn,
    ScheduleIn,
    SwapIn,
)
from csops.engine import rotation
from csops.errors import Invalid, NotFound

ROTATION_HOURS = {"daily": 24, "weekly": 168}


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid(f"unknown time zone {name!r}") from exc


def get_schedule(session: Session, schedule_id: int) -> Schedule:
    schedule = session.get(Schedule, schedule_id)
    if schedule is None:
        raise NotFound("schedule not found")
    return schedule


def list_schedules(session: Session, *, team_id: int | None = None) -> Sequence[Schedule]:
    query = select(Schedule).order_by(Schedule.name)
    if team_id is not None:
        query = query.where(Schedule.team_id == team_id)
    return session.scalars(query).all()


def _check_users(session: Session, ids: Sequence[int]) -> None:
    if not ids:
        return
    found = set(session.scalars(select(User.id).where(User.id.in_(list(ids)))).all())
    missing = sorted(set(ids) - found)
    if missing:
        raise Invalid(f"unknown users: {missing}")


def _layer(session: Session, data: LayerIn, position: int) -> Layer:
    _check_users(session, data.participant_ids)
    hours = ROTATION_HOURS.get(data.rotation, data.shift_hours)
    for raw in data.restrictions:
        try:
            rotation.parse_restriction(raw)
        except ValueError as exc:
            raise Invalid(f"bad restriction: {exc}") from exc
    return Layer(
        name=data.name,
        position=position,
        participant_ids=list(data.participant_ids),
        rotation=data.rotation,
        shift_hours=hours,
        starts_local=data.starts_local.replace(tzinfo=None, microsecond=0).isoformat(),
        restrictions=list(data.restrictions),
    )


def save_schedule(
    session: Session, *, data: ScheduleIn, schedule_id: int | None = None
) -> Schedule:
    """Create a schedule, or replace one's fields and layers (the layer list is the truth)."""
    zone(data.time_zone)
    if data.team_id is not None and session.get(Team, data.team_id) is None:
        raise Invalid("unknown team")
    schedule = Schedule() if schedule_id is None else get_schedule(session, schedule_id)
    taken = session.scalar(
        select(Schedule.id).where(Schedule.name == data.name, Schedule.id != (schedule_id or 0))
    )
    if taken is not None:
        raise Invalid("a schedule with this name exists")
    schedule.name = data.name
    schedule.description = data.description
    schedule.team_id = data.team_id
    schedule.role = ScheduleRole(data.role)
    schedule.time_zone = data.time_zone
    schedule.layers = [_layer(session, layer, i) for i, layer in enumerate(data.layers)]
    session.add(schedule)
    session.flush()
    return schedule


def delete_schedule(session: Session, *, schedule_id: int) -> None:
    session.delete(get_schedule(session, schedule_id))
    session.flush()


def add_override(session: Session, *, schedule_id: int, data: OverrideIn) -> Override:
    get_schedule(session, schedule_id)
    _check_users(
        session, [data.user_id] + ([data.replaces_user_id] if data.replaces_user_id else [])
    )
    if data.ends_at <= data.starts_at:
        raise Invalid("an override must end after it starts")
    override = Override(
        schedule_id=schedule_id,
        user_id=data.user_id,
        replaces_user_id=data.replaces_user_id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        reason=data.reason,
    )
    session.add(override)
    session.flush()
    return override


def delete_override(session: Session, *, override_id: int) -> None:
    override = session.get(Override, override_id)
    if override is None:
        raise NotFound("override not found")
    for twin in _swap_twins(session, override):
        session.delete(twin)
    session.flush()


def _swap_twins(session: Session, override: Override) -> Sequence[Override]:
    if override.swap_id is None:
        return [override]
    return session.scalars(select(Override).where(Override.swap_id == override.swap_id)).all()


def swap_shifts(session: Session, *, schedule_id: int, data: SwapIn) -> list[Override]:
    """A takes B's shift and B takes A's: two overrides that each replace only the other."""
    schedule = get_schedule(session, schedule_id)
    first = _shift_at(session, schedule, data.first_at)
    second = _shift_at(session, schedule, data.second_at)
    if first is None or second is None:
        raise Invalid("nobody is on call at one of the two times")
    if first.user == second.user:
        raise Invalid("both shifts belong to the same person")
    swap_id = secrets.token_hex(8)
    made = []
    for taker, shift in ((second.user, first), (first.user, second)):
        override = Override(
            schedule_id=schedule_id,
            user_id=taker,
            replaces_user_id=shift.user,
            starts_at=shift.start,
            ends_at=shift.end,
            reason=data.reason or "shift swap",
            swap_id=swap_id,
        )
        session.add(override)
        made.append(override)
    session.flush()
    return made


def _shift_at(session: Session, schedule: Schedule, at: datetime) -> rotation.Shift | None:
    for shift in final_shifts(session, schedule, at - timedelta(days=35), at + timedelta(days=35)):
        if shift.start <= at < shift.end:
            return shift
    return None


def layer_specs(schedule: Schedule) -> list[rotation.LayerSpec]:
    tz = zone(schedule.time_zone)
    return [
        rotation.LayerSpec(
            participants=tuple(layer.participant_ids),
            start_local=datetime.fromisoformat(layer.starts_local),
            shift=timedelta(hours=layer.shift_hours),
            tz=tz,
            restrictions=tuple(rotation.parse_restriction(r) for r in layer.restrictions),
        )
        for layer in sorted(schedule.layers, key=lambda layer: layer.position)
    ]


def override_specs(
    session: Session, schedule: Schedule, start: datetime, end: datetime
) -> list[rotation.OverrideSpec]:
    rows = session.scalars(
        select(Override)
        .where(
            Override.schedule_id == schedule.id,
            Override.starts_at < end,
            Override.ends_at > start,
        )
        .order_by(Override.created_at, Override.id)
    ).all()
    return [
        rotation.OverrideSpec(o.user_id, o.starts_at, o.ends_at, o.replaces_user_id) for o in rows
    ]


def list_overrides(session: Session, *, schedule_id: int) -> Sequence[Override]:
    return session.scalars(
        select(Override).where(Override.schedule_id == schedule_id).order_by(Override.starts_at)
    ).all()


def final_shifts(
    session: Session, schedule: Schedule, start: datetime, end: datetime
) -> list[rotation.Shift]:
    return rotation.shifts(
        layer_specs(schedule), override_specs(session, schedule, start, end), start, end
    )


def user_on_call(session: Session, schedule: Schedule, at: datetime | None = None) -> int | None:
    moment = at or now()
    overrides = override_specs(session, schedule, moment, moment + timedelta(seconds=1))
    return rotation.who_at(layer_specs(schedule), overrides, moment)


def team_on_call(
    session: Session, team_id: int, at: datetime | None = None
) -> list[tuple[Schedule, int]]:
    """(schedule, user id) for every schedule of the team with someone on call, primaries first."""
    found = []
    schedules = sorted(
        list_schedules(session, team_id=team_id),
        key=lambda s: (s.role != ScheduleRole.primary, s.name),
    )
    for schedule in schedules:
        user_id = user_on_call(session, schedule, at)
        if user_id is not None:
            found.append((schedule, user_id))
    return found


def team_of_service(session: Session, service_id: int) -> int | None:
    found = session.get(Service, service_id)
    return found.owning_team_id if found else None
