"""The incidents API end to end over HTTP: declare, link, update, read, postmortem, webhooks."""

from __future__ import annotations

import json

from csops.domains.accounts.models import Role
from csops.integrations import github
from tests.web.api.conftest import Desk, assert_problem, open_ticket


def test_incident_lifecycle_over_the_api(server: Desk) -> None:
    _uid, manager = server.staff(Role.manager)
    t1, t2 = open_ticket(manager), open_ticket(manager)
    made = manager.post(
        "/api/v1/incidents",
        json={"title": "API down", "severity": "SEV3", "keywords": ["api down"]},
    )
    assert made.status_code == 201, made.text
    incident = made.json()
    assert incident["status"] == "investigating" and incident["keywords"] == ["api down"]
    iid = incident["id"]
    linked = manager.post(
        f"/api/v1/incidents/{iid}/tickets", json={"ticket_ids": [t1["id"], t2["id"]]}
    )
    assert linked.json() == {"linked": 2}
    update = manager.post(
        f"/api/v1/incidents/{iid}/updates",
        json={"body": "Fix deployed", "public": True, "status": "monitoring"},
    )
    assert update.status_code == 201 and update.json()["status"] == "monitoring"
    detail = manager.get(f"/api/v1/incidents/{iid}").json()
    assert detail["status"] == "monitoring" and detail["mitigated_at"] is not None
    assert {t["ticket_id"] for t in detail["tickets"]} == {t1["id"], t2["id"]}
    assert detail["metrics"]["tickets_linked"] == 2
    listed = manager.get("/api/v1/incidents", params={"active": "true", "q": "API down"}).json()
    assert iid in [i["id"] for i in listed["items"]]
    assert manager.delete(f"/api/v1/incidents/{iid}/tickets/{t2['id']}").status_code == 204
    assert_problem(manager.delete(f"/api/v1/incidents/{iid}/tickets/{t2['id']}"), 404)
    put = manager.put(
        f"/api/v1/incidents/{iid}/postmortem",
        json={
            "root_cause": "Bad config",
            "action_items": [{"title": "Lint configs", "owner": "Ops"}],
        },
    )
    assert put.status_code == 200 and put.json()["root_cause"] == "Bad config"
    md = manager.get(f"/api/v1/incidents/{iid}/postmortem.md")
    assert md.headers["content-type"].startswith("text/markdown") and "Bad config" in md.text
    assert_problem(manager.post("/api/v1/incidents", json={"title": "", "severity": "SEV9"}), 422)
    assert_problem(manager.post(f"/api/v1/incidents/{iid}/updates", json={"body": " "}), 422)


def test_scopes_and_customers(server: Desk) -> None:
    _uid, reader = server.staff(Role.agent, scopes=("incidents:read",))
    assert reader.get("/api/v1/incidents").status_code == 200
    assert_problem(reader.post("/api/v1/incidents", json={"title": "x"}), 403)
    customer_id, _email = server.new_customer()
    assert_problem(server.portal(customer_id).get("/api/v1/incidents"), 404)


def test_github_webhook_needs_a_valid_signature(server: Desk) -> None:
    body = json.dumps({"action": "created"}).encode()
    client = server.client()
    bad = client.post(
        "/api/v1/incidents/webhooks/github",
        content=body,
        headers={
            "X-GitHub-Event": "issue_comment",
            "X-Hub-Signature-256": github.sign("x", body),
            "Content-Type": "application/json",
        },
    )
    assert_problem(bad, 403)
    assert_problem(client.post("/api/v1/incidents/webhooks/jira?secret=x", json=[]), 422)


def test_public_status_endpoints(server: Desk) -> None:
    client = server.client()
    summary = client.get("/api/v1/status/summary.json")
    assert summary.status_code == 200 and summary.json()["status"] in (
        "operational",
        "degraded",
        "partial_outage",
        "major_outage",
        "maintenance",
    )
    assert client.get("/api/v1/status/badge.svg").headers["content-type"] == "image/svg+xml"
    feed = client.get("/api/v1/status/feed.atom")
    assert feed.text.startswith("<?xml") and "<feed" in feed.text
    assert_problem(client.get("/api/v1/status/summary.json", params={"brand": "no-such"}), 404)
