from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.oncall import schedules, service
from csops.domains.oncall.schemas import LayerIn, OverrideIn, ScheduleIn, SwapIn
from csops.errors import Invalid
from tests.integration.oncall.conftest import T0


def test_on_call_now_lists_primary_then_backup(db: Session, world: SimpleNamespace) -> None:
    u = world.users
    with clock.frozen(T0):
        assert service.on_call_now(db, team_id=world.team.id) == [u[0], u[2]]
        assert service.on_call_now(db, service_id=world.service.id) == [u[0], u[2]]
    later = T0 + timedelta(days=7)
    assert service.on_call_now(db, team_id=world.team.id, at=later) == [u[1], u[3]]
    assert service.on_call_now(db, service_id=None, team_id=None) == []


def test_override_and_swap(db: Session, world: SimpleNamespace) -> None:
    u = world.users
    schedules.add_override(
        db,
        schedule_id=world.primary.id,
        data=OverrideIn(user_id=world.boss.id, starts_at=T0, ends_at=T0 + timedelta(hours=2)),
    )
    assert schedules.user_on_call(db, world.primary, T0 + timedelta(hours=1)) == world.boss.id
    assert schedules.user_on_call(db, world.primary, T0 + timedelta(hours=3)) == u[0].id
    made = schedules.swap_shifts(
        db,
        schedule_id=world.primary.id,
        data=SwapIn(first_at=T0 + timedelta(days=1), second_at=T0 + timedelta(days=8)),
    )
    assert len(made) == 2 and made[0].swap_id == made[1].swap_id
    assert schedules.user_on_call(db, world.primary, T0 + timedelta(days=1)) == u[1].id
    assert schedules.user_on_call(db, world.primary, T0 + timedelta(days=8)) == u[0].id
    schedules.delete_override(db, override_id=made[0].id)
    assert schedules.user_on_call(db, world.primary, T0 + timedelta(days=8)) == u[1].id


def test_shift_list_over_dst_keeps_local_handoff(db: Session, world: SimpleNamespace) -> None:
    found = schedules.final_shifts(db, world.primary, T0, T0 + timedelta(days=35))
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    handoffs = [s.start.astimezone(berlin) for s in found[1:]]
    assert handoffs and all(h.hour == 9 and h.weekday() == 0 for h in handoffs)
    assert {h.utcoffset() for h in handoffs} == {timedelta(hours=1), timedelta(hours=2)}


def test_bad_schedules_are_refused(db: Session, world: SimpleNamespace) -> None:
    with pytest.raises(Invalid, match="time zone"):
        schedules.save_schedule(db, data=ScheduleIn(name="x", time_zone="Mars/Olympus"))
    with pytest.raises(Invalid, match="unknown users"):
        schedules.save_schedule(
            db,
            data=ScheduleIn(
                name="y",
                layers=[LayerIn(participant_ids=[999_999], starts_local=datetime(2026, 1, 1))],
            ),
        )
    with pytest.raises(Invalid, match="restriction"):
        schedules.save_schedule(
            db,
            data=ScheduleIn(
                name="z",
                layers=[
                    LayerIn(
                        participant_ids=[world.boss.id],
                        starts_local=datetime(2026, 1, 1),
                        restrictions=[{"days": [9], "start": "09:00", "end": "10:00"}],
                    )
                ],
            ),
        )
    with pytest.raises(Invalid, match="exists"):
        schedules.save_schedule(db, data=ScheduleIn(name=world.primary.name))
