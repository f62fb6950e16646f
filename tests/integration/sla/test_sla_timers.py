"""SLA timers through the real job runner: each warning fires once, re-planning, restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

import csops.domains.sla.jobs  # noqa: F401  (registers the handler)
from csops.clock import frozen
from csops.db import make_engine, session_scope
from csops.domains.accounts.actor import Actor
from csops.domains.sla import service
from csops.domains.sla.models import Metric, SlaEvent, SlaEventKind, SlaStatus, TicketSla
from csops.domains.sla.schemas import PolicyIn
from csops.domains.tickets import service as tickets
from csops.domains.tickets.models import Ticket
from csops.domains.tickets.schemas import TicketUpdate
from csops.jobs.models import Job
from csops.jobs.runtime import Outcome, claim, run_one
from csops.jobs.worker import Worker
from tests.factories.tickets import make_ticket

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
M = timedelta(minutes=1)


def worker(engine: Engine, name: str) -> Worker:
    return Worker(engine, worker_id=name, poll_seconds=0.01, discover=False)


def events(engine: Engine, kind: SlaEventKind, metric: Metric | None = None) -> int:
    with session_scope(engine) as session:
        query = select(func.count()).select_from(SlaEvent).where(SlaEvent.kind == kind)
        if metric is not None:
            query = query.where(SlaEvent.metric == metric)
        return int(session.scalar(query) or 0)


def row(engine: Engine, ticket_id: int, metric: Metric) -> TicketSla:
    with session_scope(engine) as session:
        found = session.scalar(
            select(TicketSla).where(TicketSla.ticket_id == ticket_id, TicketSla.metric == metric)
        )
        assert found is not None
        session.expunge(found)
        return found


def setup(engine: Engine) -> int:
    with frozen(T0), session_scope(engine) as session:
        service.create_policy(
            session,
            data=PolicyIn(
                name="All 24x7",
                business_hours=False,
                first_response_minutes=60,
                resolution_minutes=240,
            ),
            actor=Actor.system(),
        )
        return make_ticket(session).id


def run_at(engine: Engine, at: datetime, name: str = "w1") -> int:
    with frozen(at):
        return worker(engine, name).run_until_idle()


def test_warnings_fire_once_across_restarts_and_replans(fresh_engine: Engine) -> None:
    ticket_id = setup(fresh_engine)
    first = row(fresh_engine, ticket_id, Metric.first_response)
    assert first.target_at == T0 + 60 * M
    run_at(fresh_engine, T0 + 46 * M)
    assert events(fresh_engine, SlaEventKind.warning) == 1
    # a restart: another engine and worker, same moment; nothing fires again
    other = make_engine(fresh_engine.url.render_as_string(hide_password=False))
    try:
        run_at(other, T0 + 47 * M, "w2")
        assert events(other, SlaEventKind.warning) == 1
        run_at(other, T0 + 61 * M, "w2")
    finally:
        other.dispose()
    assert events(fresh_engine, SlaEventKind.warning, Metric.first_response) == 2
    assert events(fresh_engine, SlaEventKind.breached) == 1
    assert events(fresh_engine, SlaEventKind.escalated) == 1
    assert row(fresh_engine, ticket_id, Metric.first_response).status == SlaStatus.breached
    # pending pauses resolution: the old plan's jobs become harmless
    with frozen(T0 + 70 * M), session_scope(fresh_engine) as session:
        tickets.update_ticket(
            session, ticket_id=ticket_id, data=TicketUpdate(status="pending"), actor=Actor.system()
        )
    run_at(fresh_engine, T0 + 300 * M)
    assert events(fresh_engine, SlaEventKind.warning, Metric.resolution) == 0
    paused = row(fresh_engine, ticket_id, Metric.resolution)
    assert paused.status == SlaStatus.paused and paused.target_at is None
    with frozen(T0 + 300 * M), session_scope(fresh_engine) as session:
        tickets.update_ticket(
            session, ticket_id=ticket_id, data=TicketUpdate(status="open"), actor=Actor.system()
        )
        ticket = session.get(Ticket, ticket_id)
        # the overdue first response still sorts the ticket first
        assert ticket is not None and ticket.sla_next_breach_at == T0 + 60 * M
    assert row(fresh_engine, ticket_id, Metric.resolution).target_at == T0 + 470 * M
    run_at(fresh_engine, T0 + 411 * M)  # 75 % of 240 min: 70 before the pause + 110 after
    assert events(fresh_engine, SlaEventKind.warning, Metric.resolution) == 1
    run_at(fresh_engine, T0 + 412 * M)
    assert events(fresh_engine, SlaEventKind.warning, Metric.resolution) == 1


def test_a_job_taken_over_after_a_crash_fires_once(fresh_engine: Engine) -> None:
    ticket_id = setup(fresh_engine)
    with frozen(T0 + 46 * M):
        dead = claim(fresh_engine, "crashed", 1, lease_seconds=5)
        assert len(dead) == 1  # claimed, then the worker "dies" without running it
    with frozen(T0 + 47 * M):
        assert worker(fresh_engine, "w2").run_until_idle() >= 1
        assert run_one(fresh_engine, dead[0], "crashed") == Outcome.lost
    assert events(fresh_engine, SlaEventKind.warning) == 1
    # a duplicate job carrying the current token still fires nothing twice
    current = row(fresh_engine, ticket_id, Metric.first_response)
    with session_scope(fresh_engine) as session:
        session.add(
            Job(
                kind="sla.check",
                payload={"row_id": current.id, "token": current.token, "percent": 75},
                state="queued",
                run_at=T0,
                priority=0,
                attempts=0,
                max_attempts=3,
            )
        )
    run_at(fresh_engine, T0 + 48 * M, "w3")
    assert events(fresh_engine, SlaEventKind.warning) == 1


def test_reply_in_time_achieves_and_cancels_timers(fresh_engine: Engine) -> None:
    pytest.importorskip("csops.domains.tickets.thread")
    from csops.domains.tickets.schemas import MessageCreate
    from csops.domains.tickets.thread import add_message
    from tests.factories.accounts import PASSWORD_HASH

    ticket_id = setup(fresh_engine)
    with frozen(T0 + 10 * M), session_scope(fresh_engine) as session:
        from csops.domains.accounts.models import Role, User

        agent = User(
            email="a@csops.example", name="A", role=Role.agent, password_hash=PASSWORD_HASH
        )
        session.add(agent)
        session.flush()
        add_message(
            session,
            ticket_id=ticket_id,
            data=MessageCreate(body="Looking into it", public=True),
            actor=Actor.for_user(agent),
        )
    run_at(fresh_engine, T0 + 61 * M)
    done = row(fresh_engine, ticket_id, Metric.first_response)
    assert done.status == SlaStatus.achieved and done.achieved_at == T0 + 10 * M
    assert events(fresh_engine, SlaEventKind.breached) == 0
    assert events(fresh_engine, SlaEventKind.achieved, Metric.first_response) == 1
