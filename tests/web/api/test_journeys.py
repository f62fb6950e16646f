"""The journeys API through a real server: schema, spec import errors, CI uploads, drift."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from sqlalchemy import select

from csops.domains.accounts.models import Role
from csops.jobs.models import Job
from tests.web.api.conftest import Desk

ROOT = Path(__file__).resolve().parents[3]


def _names() -> tuple[str, str, str]:
    tag = secrets.token_hex(3)
    return f"api-j-{tag}", f"api-a-{tag}", f"api-b-{tag}"


def _spec(journey: str, a: str, b: str) -> str:
    return f"""environments:
  {a}: {{base_url: "http://127.0.0.1:9", allowed_hosts: [127.0.0.1], drift_allow: [url]}}
  {b}: {{base_url: "http://127.0.0.1:9", allowed_hosts: [127.0.0.1]}}
journeys:
  - name: {journey}
    steps:
      - http: {{url: /health}}
"""


def test_schema_is_public_and_matches_the_docs(server: Desk) -> None:
    response = server.client().get("/api/v1/journeys/schema")
    assert response.status_code == 200
    assert response.json() == json.loads((ROOT / "docs" / "journey.schema.json").read_text())


def test_spec_errors_come_back_with_lines(server: Desk) -> None:
    _uid, manager = server.staff(Role.manager)
    bad = "journeys:\n  - name: x\n    steps:\n      - http: {url: /}\n        expect: {status: nope}\n"
    response = manager.post("/api/v1/journeys/specs", json={"text": bad})
    assert response.status_code == 422
    assert "spec.yaml:5" in response.json()["detail"]


def test_ci_uploads_record_runs_deployments_and_drift(server: Desk) -> None:
    journey, a, b = _names()
    _uid, manager = server.staff(Role.manager)
    _uid, agent = server.staff(Role.agent)
    created = manager.post("/api/v1/journeys/specs", json={"text": _spec(journey, a, b)})
    assert created.json() == {"environments": [a, b], "journeys": [journey]}
    result = {
        "journey": journey,
        "environment": a,
        "started_at": "2026-01-01T10:00:00Z",
        "status": "failed",
        "duration_ms": 40,
        "error": "status 500",
        "steps": [{"name": "GET /health", "kind": "http", "status": "failed", "duration_ms": 40}],
    }
    gate = agent.post(
        "/api/v1/journeys/deployments",
        json={"environment": a, "version": "v9", "results": [result]},
    )
    assert gate.status_code == 201
    assert gate.json()["failed"] == [journey] and gate.json()["gate_passed"] is False
    jid = next(j["id"] for j in agent.get("/api/v1/journeys").json() if j["name"] == journey)
    runs = agent.get(f"/api/v1/journeys/{jid}/runs").json()
    assert runs[0]["trigger"] == "ci" and runs[0]["status"] == "failed"
    slo = [r for r in agent.get("/api/v1/journeys/slo").json() if r["journey"] == journey]
    assert slo == [] or slo[0]["runs"] in (0, 1)

    for env, data in (
        (a, {"v": "1", "url": "http://a", "x": 1}),
        (b, {"v": "2", "url": "http://b"}),
    ):
        up = agent.post(
            f"/api/v1/journeys/environments/{env}/snapshots", json={"probe": "cfg", "data": data}
        )
        assert up.status_code == 201
    drift = agent.get("/api/v1/journeys/drift", params={"a": a, "b": b, "probe": "cfg"}).json()
    kinds = {d["key"]: (d["kind"], d["expected"]) for d in drift}
    assert kinds == {"v": ("changed", False), "url": ("changed", True), "x": ("removed", False)}

    queued = agent.post(f"/api/v1/journeys/{jid}/run", params={"environment": a})
    assert queued.status_code == 202 and queued.json() == {"environments": [a]}
    with server.session() as session:
        jobs = session.scalars(select(Job).where(Job.kind == "journeys.run")).all()
        assert any(j.payload.get("journey_ids") == [jid] for j in jobs)
    assert (
        agent.post(f"/api/v1/journeys/{jid}/run", params={"environment": "nope"}).status_code == 404
    )


def test_agents_cannot_import_specs(server: Desk) -> None:
    _uid, agent = server.staff(Role.agent)
    journey, a, b = _names()
    response = agent.post("/api/v1/journeys/specs", json={"text": _spec(journey, a, b)})
    assert response.status_code == 403
