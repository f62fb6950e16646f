"""Shared pieces for the incidents tests: a real SMTP server, an in-transaction job drain."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role
from csops.domains.notifications.delivery import use_transports
from csops.integrations.smtp_out import SmtpMailer
from csops.jobs import registry
from csops.jobs.models import Job, JobState
from tests.integration.notifications.sinks import SmtpSink, start_smtp


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink, controller = start_smtp()
    with use_transports(mailer=SmtpMailer(sink.host, sink.port, timeout=5)):
        yield sink
    controller.stop()


def drain(db: Session, *, kinds: tuple[str, ...] | None = None, rounds: int = 20) -> int:
    """Run queued jobs inside the test's transaction until none is left; returns how many."""
    registry.autodiscover()
    ran = 0
    for _ in range(rounds):
        query = select(Job).where(Job.state == JobState.queued).order_by(Job.id)
        if kinds is not None:
            query = query.where(Job.kind.in_(kinds))
        jobs = db.scalars(query).all()
        if not jobs:
            return ran
        for job in jobs:
            handler = registry.get_handler(job.kind)
            job.state = JobState.succeeded
            db.flush()
            if handler is not None:
                handler(db, dict(job.payload))
                ran += 1
    return ran


@pytest.fixture
def staff(factories: SimpleNamespace) -> SimpleNamespace:
    team = factories.team()
    agent = factories.user(role=Role.agent, teams=[team])
    manager = factories.user(role=Role.manager)
    service = factories.service(owning_team_id=team.id)
    return SimpleNamespace(
        team=team,
        agent=agent,
        manager=manager,
        service=service,
        agent_actor=Actor.for_user(agent),
        manager_actor=Actor.for_user(manager),
    )
