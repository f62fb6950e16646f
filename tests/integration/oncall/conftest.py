from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from csops.domains.oncall import policies, schedules
from csops.domains.oncall.schemas import LayerIn, LevelIn, PolicyIn, ScheduleIn, TargetIn

T0 = datetime(2026, 3, 2, 12, tzinfo=UTC)  # a Monday


@pytest.fixture
def world(db: Session, factories: SimpleNamespace) -> SimpleNamespace:
    team = factories.team()
    users = [factories.user(teams=[team]) for _ in range(4)]
    boss = factories.user()
    service = factories.service(owning_team_id=team.id)
    start = datetime(2026, 3, 2, 9)  # Monday 09:00 Berlin
    primary = schedules.save_schedule(
        db,
        data=ScheduleIn(
            name=f"{team.name} primary",
            team_id=team.id,
            role="primary",
            time_zone="Europe/Berlin",
            layers=[LayerIn(participant_ids=[users[0].id, users[1].id], starts_local=start)],
        ),
    )
    backup = schedules.save_schedule(
        db,
        data=ScheduleIn(
            name=f"{team.name} backup",
            team_id=team.id,
            role="backup",
            time_zone="Europe/Berlin",
            layers=[LayerIn(participant_ids=[users[2].id, users[3].id], starts_local=start)],
        ),
    )
    policy = policies.save_policy(
        db,
        data=PolicyIn(
            name=f"{service.name} policy",
            service_id=service.id,
            repeat=0,
            levels=[
                LevelIn(timeout_minutes=10, targets=[TargetIn(kind="schedule", id=primary.id)]),
                LevelIn(
                    timeout_minutes=10,
                    targets=[
                        TargetIn(kind="schedule", id=backup.id),
                        TargetIn(kind="user", id=boss.id),
                    ],
                ),
            ],
        ),
    )
    return SimpleNamespace(
        team=team,
        users=users,
        boss=boss,
        service=service,
        primary=primary,
        backup=backup,
        policy=policy,
    )
