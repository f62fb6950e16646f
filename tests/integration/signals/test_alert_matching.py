"""Alerts and changes find their catalogue service by slug, name or a role-suffix alias, from
the service / app / job / component / namespace labels in that order; unmatched ones keep the
raw label. The matched service is how a spike's causes name them."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session

from csops.domains.signals import service
from csops.domains.signals.alerts import match_service
from csops.domains.signals.schemas import AlertIn, ChangeIn

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "alertmanager"
START = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


def _firing(**labels: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "firing.json").read_text())
    alert = copy.deepcopy(data["alerts"][0])
    alert["labels"] = {"alertname": "HighErrorRate", **labels}
    alert["fingerprint"] = json.dumps(labels, sort_keys=True)
    data["alerts"], data["commonLabels"] = [alert], {}
    return data


def test_labels_match_by_slug_name_or_alias(db: Session, factories: SimpleNamespace) -> None:
    api = factories.service(name="Payments API", slug="payments-api")
    web = factories.service(name="Checkout", slug="checkout-web")
    search = factories.service(name="Search", slug="search")
    cases = [
        ({"service": "payments"}, api),  # demo's label, the catalogue's -api slug
        ({"service": "PAYMENTS-API"}, api),
        ({"app": "Payments API"}, api),  # by name, any case
        ({"job": "checkout"}, web),
        ({"component": "search-svc"}, search),  # the alert has the suffix, the slug not
        ({"namespace": "search"}, search),
        ({"service": "unknown", "app": "checkout-worker"}, web),  # the first that matches
    ]
    for labels, wanted in cases:
        [alert] = service.ingest_alertmanager(db, _firing(**labels))
        assert alert.service_id == wanted.id, labels
    [raw] = service.ingest_alertmanager(db, _firing(service="ledger-api"))
    assert raw.service_id is None and raw.service_name == "ledger-api"
    assert match_service(db, ["", "  "]) is None
    assert match_service(db, ["api"]) is None  # a bare suffix names nothing


def test_changes_and_causes_use_the_matched_service(
    db: Session, factories: SimpleNamespace
) -> None:
    api = factories.service(name="Payments API", slug="payments-api")
    change = service.record_change(db, ChangeIn(service="payments", version="v2", started_at=START))
    assert change.service_id == api.id
    alert = service.record_alert(
        db, AlertIn(name="5xx", service="payments", starts_at=START), source="generic"
    )
    assert alert.service_id == api.id and alert.service_name == "payments"
    found = service.candidates(db, start=START, services=[api.name, api.slug])
    assert {c.ref: c.service for c in found} == {
        f"change:{change.id}": "payments-api",
        f"alert:{alert.id}": "payments-api",
    }
