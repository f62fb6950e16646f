"""Journeys stored and run through the service, the job handlers, SLOs and drift."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.config import get_settings
from csops.db import session_scope
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role, Service, User
from csops.domains.journeys import actions, cx, drift_store, jobs, service
from csops.domains.journeys.models import DriftWarning, Environment, JourneyHealth, JourneyRun
from csops.domains.journeys.results import JourneyResult
from csops.errors import Invalid, PermissionDenied
from csops.jobs.models import Job
from tests.fixtures.journeys.app import serve

SYSTEM = Actor.system()


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve() as url:
        yield url


def _spec(url: str, production: bool = False) -> str:
    return f"""environments:
  staging:
    base_url: "{url}"
    allowed_hosts: [127.0.0.1]
    schedule: "*/5 * * * *"
    probes: [{{name: config, url: /config}}]
    drift_allow: [url]
  prod:
    base_url: "{url}"
    allowed_hosts: [127.0.0.1]
    production: {str(production).lower()}
journeys:
  - name: health
    service: checkout
    slo: {{success: 0.9, p95_ms: 1000}}
    steps:
      - http: {{url: /health}}
        expect: {{status: 200, body_contains: ok}}
  - name: broken
    service: checkout
    steps:
      - http: {{url: /fail}}
        expect: {{status: 200}}
"""


@pytest.fixture
def svc(db: Session) -> Service:
    row = Service(name="Checkout", slug="checkout", description="")
    db.add(row)
    db.flush()
    return row


def test_import_requires_an_editor_and_valid_text(db: Session, svc: Service, base_url: str) -> None:
    agent = User(email="a@example.com", name="A", role=Role.agent)
    db.add(agent)
    db.flush()
    with pytest.raises(PermissionDenied):
        service.import_spec(db, text=_spec(base_url), actor=Actor.for_user(agent))
    with pytest.raises(Invalid, match="spec.yaml:2"):
        service.import_spec(db, text="environments:\n  x: {base_url: nope}\n", actor=SYSTEM)
    done = service.import_spec(db, text=_spec(base_url), actor=SYSTEM)
    assert done == {"environments": ["staging", "prod"], "journeys": ["health", "broken"]}
    journey = service.list_journeys(db)[1]
    assert journey.service_id == svc.id


def test_execute_records_runs_and_streaks(db: Session, svc: Service, base_url: str) -> None:
    service.import_spec(db, text=_spec(base_url, production=True), actor=SYSTEM)
    for _ in range(3):
        runs = service.execute(db, environment="prod", trigger="test")
    by_name = {r.journey.name: r for r in runs}
    assert by_name["health"].status.value == "passed"
    broken = by_name["broken"]
    assert broken.status.value == "failed" and broken.steps[0]["http_status"] == 500
    assert "[email]" in broken.steps[0]["excerpt"]
    health = db.scalar(select(JourneyHealth).where(JourneyHealth.journey_id == broken.journey_id))
    assert health is not None and health.consecutive_failures == 3
    assert actions.journey_green_since(db, svc.id) is None
    assert not actions.may_auto_solve(db, service_id=svc.id, since=now() - timedelta(hours=1))


def test_recovery_resets_the_streak(db: Session, svc: Service, base_url: str) -> None:
    service.import_spec(db, text=_spec(base_url, production=True), actor=SYSTEM)
    service.execute(db, environment="prod", names=["broken"], trigger="test")
    fixed = _spec(base_url, production=True).replace("url: /fail", "url: /health")
    service.import_spec(db, text=fixed, actor=SYSTEM)
    service.execute(db, environment="prod", trigger="test")
    green = actions.journey_green_since(db, svc.id)
    assert green is not None
    assert actions.may_auto_solve(db, service_id=svc.id, since=green - timedelta(seconds=1))


def test_slo_overview(db: Session, svc: Service, base_url: str) -> None:
    service.import_spec(db, text=_spec(base_url), actor=SYSTEM)
    at = now()
    for i in range(20):
        result = JourneyResult(
            "health", "staging", at - timedelta(hours=i), "passed" if i % 5 else "failed", 100 + i
        )
        service.record_result(db, result=result, trigger="test")
    summary = {(r["journey"], r["environment"]): r for r in cx.summary(db)}
    row = summary[("health", "staging")]
    assert row["runs"] == 20 and row["success"] == 0.8
    assert row["budget_burn"] == pytest.approx(2.0)
    assert row["met"] is False


def test_tick_enqueues_due_environments(
    db: Session, base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "journeys_background_runs", False)
    db.add(Service(name="Checkout", slug="checkout", description=""))
    service.import_spec(db, text=_spec(base_url), actor=SYSTEM)
    jobs.tick(db, {})
    env = service.get_environment(db, name="staging")
    assert env.next_run_at is not None
    env.next_run_at = now() - timedelta(minutes=1)
    jobs.tick(db, {})
    queued = db.scalars(select(Job).where(Job.kind == service.RUN_JOB)).all()
    assert [j.payload["environment_id"] for j in queued] == [env.id]
    jobs.run(db, dict(queued[0].payload))
    assert db.scalars(select(JourneyRun).where(JourneyRun.environment_id == env.id)).all()


def test_background_run_stores_in_its_own_transaction(fresh_engine: Engine, base_url: str) -> None:
    with session_scope(fresh_engine) as session:
        service.import_spec(
            session, text=_spec(base_url).replace("    service: checkout\n", ""), actor=SYSTEM
        )
        env_id = service.get_environment(session, name="staging").id
    with session_scope(fresh_engine) as session:
        jobs.run(session, {"environment_id": env_id, "trigger": "schedule", "probes": True})
    for thread in list(jobs.RUNNING):
        thread.join(30)
    with session_scope(fresh_engine) as session:
        runs = session.scalars(select(JourneyRun)).all()
        assert sorted(r.status.value for r in runs) == ["failed", "passed"]
        assert drift_store.latest(session, env_id, "config") is not None


def test_drift_between_two_fixture_environments(db: Session, base_url: str) -> None:
    db.add(Service(name="Checkout", slug="checkout", description=""))
    service.import_spec(db, text=_spec(base_url), actor=SYSTEM)
    staging = service.get_environment(db, name="staging")
    prod = service.get_environment(db, name="prod")
    snaps = drift_store.take_snapshots(db, env=staging)
    assert snaps[0].error == "" and snaps[0].data["version"] == "1.2.3"
    drift_store.snapshot(
        db,
        env=prod,
        probe="config",
        source="upload",
        data={"version": "1.2.4", "features": {"chat": True}, "url": "http://b"},
    )
    found = drift_store.detect(db)
    kinds = {(w.key, w.kind.value) for w in found}
    # pairs are compared in name order: prod (a) against staging (b)
    assert kinds == {("version", "changed"), ("features.sso", "added")}
    assert drift_store.open_warnings(db)
    diffs = {d.key: d for d in drift_store.compare(db, a=staging, b=prod, probe="config")}
    assert diffs["url"].expected
    drift_store.detect(db)
    assert len(db.scalars(select(DriftWarning).where(DriftWarning.resolved.is_(False))).all()) == 2
    assert db.get(Environment, staging.id) is not None
