"""The escalation timer through the real job runtime, with committed transactions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from csops import clock
from csops.db import session_scope
from csops.domains.accounts.models import Service, Team, User
from csops.domains.oncall import pages, policies, service
from csops.domains.oncall.models import Page, PageStatus
from csops.domains.oncall.schemas import LevelIn, PolicyIn, TargetIn
from csops.jobs import runtime
from csops.jobs.models import Job
from csops.jobs.registry import autodiscover
from tests.integration.oncall.conftest import T0


def _drain(engine: Engine) -> int:
    """Run every due job; count the escalation timers among them."""
    done = 0
    for job_id in runtime.claim(engine, "t", 50):
        with session_scope(engine) as s:
            kind = s.get(Job, job_id).kind  # type: ignore[union-attr]
        runtime.run_one(engine, job_id, "t")
        done += kind == pages.ESCALATE_JOB
    return done


def test_runtime_escalates_then_ack_stops(fresh_engine: Engine) -> None:
    autodiscover()
    with session_scope(fresh_engine) as s:
        team = Team(name="rt")
        a = User(email="a@rt.example", name="A")
        b = User(email="b@rt.example", name="B")
        svc = Service(name="rt", slug="rt", owning_team=team)
        s.add_all([team, a, b, svc])
        s.flush()
        policies.save_policy(
            s,
            data=PolicyIn(
                name="rt",
                service_id=svc.id,
                levels=[
                    LevelIn(timeout_minutes=5, targets=[TargetIn(kind="user", id=a.id)]),
                    LevelIn(timeout_minutes=5, targets=[TargetIn(kind="user", id=b.id)]),
                ],
            ),
        )
        with clock.frozen(T0):
            page = service.trigger_page(
                s, title="rt", dedup_key="rt", service_id=svc.id, source="t"
            )
        assert page is not None
        page_id, b_id = page.id, b.id
    with clock.frozen(T0 + timedelta(minutes=4)):
        assert _drain(fresh_engine) == 0  # not due yet
    with clock.frozen(T0 + timedelta(minutes=5)):
        assert _drain(fresh_engine) == 1
    with session_scope(fresh_engine) as s:
        assert [n.user_id for n in pages.notified(s, page_id=page_id)][-1] == b_id
        pages.acknowledge(s, page_id=page_id, user_id=b_id)
    with clock.frozen(T0 + timedelta(minutes=11)):
        assert _drain(fresh_engine) == 1  # the level-2 timer runs and does nothing
    with session_scope(fresh_engine) as s:
        page = s.get(Page, page_id)
        assert page is not None and page.status == PageStatus.acknowledged
        assert page.level_index == 1 and len(pages.notified(s, page_id=page_id)) == 2
