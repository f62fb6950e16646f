"""A production journey failing N times in a row opens an incident and pages; recovery
posts an update (through the real incidents and on-call services)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Service
from csops.domains.journeys import service
from csops.domains.journeys.models import JourneyHealth
from tests.fixtures.journeys.app import serve

incidents = pytest.importorskip("csops.domains.incidents.service")
inc_models = pytest.importorskip("csops.domains.incidents.models")
oncall_models = pytest.importorskip("csops.domains.oncall.models")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve() as url:
        yield url


def _spec(url: str, path: str) -> str:
    return f"""environments:
  prod: {{base_url: "{url}", allowed_hosts: [127.0.0.1], production: true}}
  staging: {{base_url: "{url}", allowed_hosts: [127.0.0.1]}}
journeys:
  - name: checkout
    service: shop
    steps:
      - http: {{url: {path}}}
        expect: {{status: 200}}
"""


def test_streak_opens_incident_and_recovery_updates_it(db: Session, base_url: str) -> None:
    svc = Service(name="Shop", slug="shop", description="")
    db.add(svc)
    db.flush()
    service.import_spec(db, text=_spec(base_url, "/fail"), actor=Actor.system())
    for _ in range(2):
        service.execute(db, environment="prod", trigger="test")
        service.execute(db, environment="staging", trigger="test")
    assert incidents.active_incidents_for_service(db, service_id=svc.id) == []
    service.execute(db, environment="prod", trigger="test")  # the third failure in a row
    active = incidents.active_incidents_for_service(db, service_id=svc.id)
    assert len(active) == 1 and active[0].source == "journey"
    assert "checkout" in active[0].title
    service.execute(db, environment="prod", trigger="test")  # a fourth: same incident
    assert len(incidents.active_incidents_for_service(db, service_id=svc.id)) == 1
    pages = db.scalars(
        select(oncall_models.Page).where(oncall_models.Page.dedup_key.like("journey:%"))
    ).all()
    assert len(pages) == 1 and pages[0].source == "journey"
    health = db.scalars(select(JourneyHealth).where(JourneyHealth.incident_id.is_not(None))).one()
    assert health.incident_id == active[0].id

    service.import_spec(db, text=_spec(base_url, "/health"), actor=Actor.system())
    service.execute(db, environment="prod", trigger="test")
    updates = db.scalars(
        select(inc_models.IncidentUpdate).where(
            inc_models.IncidentUpdate.incident_id == active[0].id
        )
    ).all()
    assert any("passes again" in u.body for u in updates)
    db.refresh(health)
    assert health.incident_id is None and health.consecutive_failures == 0
    assert service.journey_green_since(db, svc.id) is not None
