"""Signals API over a real server: Alertmanager HA duplicates / resolve / re-fire, changes,
token scopes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from csops.domains.accounts.models import Role
from tests.web.api.conftest import Desk, assert_problem

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "alertmanager"


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    data["alerts"][0]["fingerprint"] = f"{data['alerts'][0]['fingerprint']}-{id(data)}"
    return data


def test_alertmanager_lifecycle_and_lists(server: Desk) -> None:
    _, writer = server.staff(Role.agent, scopes=("signals:read", "signals:write"))
    _, reader = server.staff(Role.agent, scopes=("signals:read",))
    firing = fixture("firing.json")
    fp = firing["alerts"][0]["fingerprint"]
    first = writer.post("/api/v1/integrations/alertmanager", json=firing)
    assert first.status_code == 200, first.text
    dup = writer.post("/api/v1/integrations/alertmanager", json=firing).json()
    assert dup[0]["id"] == first.json()[0]["id"] and dup[0]["receive_count"] == 2
    resolved = json.loads(json.dumps(firing))
    resolved["alerts"][0].update(status="resolved", endsAt="2026-11-20T14:31:40Z")
    closed = writer.post("/api/v1/integrations/alertmanager", json=resolved).json()
    assert closed[0]["status"] == "resolved"
    firing["alerts"][0]["startsAt"] = "2026-11-20T16:00:00Z"
    again = writer.post("/api/v1/integrations/alertmanager", json=firing).json()
    assert again[0]["id"] != first.json()[0]["id"]
    listed = reader.get("/api/v1/alerts", params={"limit": 500}).json()
    assert sum(1 for a in listed if a["fingerprint"] == fp) == 2
    assert_problem(reader.post("/api/v1/integrations/alertmanager", json=firing), 403)
    assert_problem(writer.post("/api/v1/integrations/alertmanager", json={"alerts": 3}), 422)


def test_changes_and_github(server: Desk) -> None:
    _, writer = server.staff(Role.agent, scopes=("signals:read", "signals:write"))
    made = writer.post(
        "/api/v1/changes",
        json={
            "service": "checkout",
            "kind": "canary",
            "percentage": 10,
            "cohort": {"region": "eu"},
            "version": "3.2.0",
        },  # fmt: skip
    )
    assert made.status_code == 201, made.text
    assert made.json()["cohort"] == {"region": "eu", "percentage": 10}
    gh = writer.post(
        "/api/v1/integrations/github/deployment-status",
        json=json.loads((FIXTURES / "github_deployment_status.json").read_text()),
    )
    assert gh.status_code == 200 and gh.json()["commit"] == "4f2a9c1e0b7d"
    listed = writer.get("/api/v1/changes", params={"service_name": "checkout"}).json()
    assert [c["version"] for c in listed][:1] == ["3.2.0"]
    assert_problem(writer.post("/api/v1/changes", json={"service": ""}), 422)
