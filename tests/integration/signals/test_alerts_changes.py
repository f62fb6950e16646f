"""Alert and change intake on both backends, with Alertmanager/Grafana/GitHub payloads in their
documented formats (tests/fixtures/alertmanager)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.signals import service
from csops.domains.signals.models import AlertStatus
from csops.domains.signals.schemas import AlertIn, ChangeIn
from csops.engine.correlation import rank_causes
from csops.errors import Invalid

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "alertmanager"


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def test_firing_then_ha_duplicate_then_resolve_then_refire(
    db: Session, factories: SimpleNamespace
) -> None:
    payments = factories.service(name="Payments", slug="payments")
    [first] = service.ingest_alertmanager(db, fixture("firing.json"))
    assert first.status == AlertStatus.firing and first.service_id == payments.id
    assert first.name == "PaymentsHighErrorRate" and first.severity == "critical"
    assert first.ends_at is None  # Alertmanager's zero time means "still firing"
    [dup] = service.ingest_alertmanager(db, fixture("firing.json"))  # the HA peer
    assert dup.id == first.id and dup.receive_count == 2
    [closed] = service.ingest_alertmanager(db, fixture("resolved.json"))
    assert closed.id == first.id and closed.status == AlertStatus.resolved
    assert closed.ends_at == datetime(2026, 11, 20, 14, 31, 40, 500000, tzinfo=UTC)
    [late] = service.ingest_alertmanager(db, fixture("firing.json"))  # late HA duplicate
    assert late.id == first.id and late.status == AlertStatus.resolved
    [again] = service.ingest_alertmanager(db, fixture("refire.json"))
    assert again.id != first.id and again.status == AlertStatus.firing
    assert [a.id for a in service.list_alerts(db, status="firing")] == [again.id]
    assert len(service.list_alerts(db)) == 2


def test_grafana_and_generic_alerts(db: Session) -> None:
    [g] = service.ingest_alertmanager(db, fixture("grafana.json"), source="grafana")
    assert g.source == "grafana" and g.fingerprint == "a1b2c3d4e5f60718"
    assert g.service_name == "payments" and g.service_id is None
    with clock.frozen(datetime(2026, 11, 20, 15, 0, tzinfo=UTC)):
        a = service.record_alert(db, AlertIn(name="Disk full", service="db"), source="generic")
        b = service.record_alert(db, AlertIn(name="Disk full", service="db"), source="generic")
    assert a.id == b.id and len(a.fingerprint) == 32 and b.receive_count == 2


@pytest.mark.parametrize(
    "body",
    [{}, {"alerts": "x"}, {"alerts": [1]}, {"alerts": [{"startsAt": "yesterday"}]}],
)
def test_bad_alertmanager_bodies_are_refused(db: Session, body: dict[str, Any]) -> None:
    with pytest.raises(Invalid):
        service.ingest_alertmanager(db, body)


def test_changes_github_and_candidates_rank_the_deploy_first(
    db: Session, factories: SimpleNamespace
) -> None:
    factories.service(name="Payments", slug="payments")
    gh = service.record_change(db, service.from_github_deployment_status(
        fixture("github_deployment_status.json")))  # fmt: skip
    assert gh.service_name == "payments" and gh.commit == "4f2a9c1e0b7d"
    assert gh.finished_at is not None and gh.author == "octocat"
    again = service.record_change(db, service.from_github_deployment_status(
        fixture("github_deployment_status.json")))  # fmt: skip
    assert again.id == gh.id  # CI retries update the same change
    old = service.record_change(db, ChangeIn(
        service="payments", kind="config", version="limits",
        started_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC)))  # fmt: skip
    canary = service.record_change(db, ChangeIn(
        service="search", kind="canary", percentage=5, cohort={"region": "eu"},
        started_at=datetime(2026, 11, 20, 13, 57, tzinfo=UTC)))  # fmt: skip
    assert canary.cohort == {"region": "eu", "percentage": 5}
    service.ingest_alertmanager(db, fixture("firing.json"))
    start = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    cands = service.candidates(db, start=start)
    refs = {c.ref for c in cands}
    assert f"change:{gh.id}" in refs and f"change:{old.id}" in refs
    ranked = rank_causes(cands, start=start.timestamp(), service="payments")
    assert ranked[0].candidate.ref == f"change:{gh.id}"
    assert "payments v2.14.0" in ranked[0].explanation


def test_bad_github_body_is_refused() -> None:
    with pytest.raises(Invalid):
        service.from_github_deployment_status({"deployment": {}})
