"""Escalation policies: ordered levels of targets (user, schedule, team) with timeouts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.models import Service, Team, User
from csops.domains.oncall.models import Policy, PolicyLevel, Schedule
from csops.domains.oncall.schemas import PolicyIn
from csops.errors import Invalid, NotFound

_TARGET_MODELS: dict[str, type[User] | type[Schedule] | type[Team]] = {
    "user": User,
    "schedule": Schedule,
    "team": Team,
}


def get_policy(session: Session, policy_id: int) -> Policy:
    policy = session.get(Policy, policy_id)
    if policy is None:
        raise NotFound("escalation policy not found")
    return policy


def list_policies(session: Session) -> Sequence[Policy]:
    return session.scalars(select(Policy).order_by(Policy.name)).all()


def save_policy(session: Session, *, data: PolicyIn, policy_id: int | None = None) -> Policy:
    if data.service_id is not None and session.get(Service, data.service_id) is None:
        raise Invalid("unknown service")
    if data.team_id is not None and session.get(Team, data.team_id) is None:
        raise Invalid("unknown team")
    for level in data.levels:
        for target in level.targets:
            if session.get(_TARGET_MODELS[target.kind], target.id) is None:
                raise Invalid(f"unknown {target.kind} {target.id}")
    taken = session.scalar(
        select(Policy.id).where(Policy.name == data.name, Policy.id != (policy_id or 0))
    )
    if taken is not None:
        raise Invalid("a policy with this name exists")
    policy = Policy() if policy_id is None else get_policy(session, policy_id)
    policy.name = data.name
    policy.description = data.description
    policy.repeat = data.repeat
    policy.service_id = data.service_id
    policy.team_id = data.team_id
    policy.levels = [
        PolicyLevel(
            position=i,
            timeout_minutes=level.timeout_minutes,
            targets=[t.model_dump() for t in level.targets],
        )
        for i, level in enumerate(data.levels)
    ]
    session.add(policy)
    session.flush()
    return policy


def delete_policy(session: Session, *, policy_id: int) -> None:
    session.delete(get_policy(session, policy_id))
    session.flush()
