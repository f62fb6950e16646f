"""Macros (create, change, apply) and views (counts, save, delete, tickets) via the API."""

from __future__ import annotations

from csops.domains.accounts.models import Role
from tests.web.api.conftest import Desk, assert_problem, open_ticket, uniq


def test_macro_lifecycle_and_apply(server: Desk) -> None:
    _uid, manager = server.staff(Role.manager)
    _uid, agent = server.staff(Role.agent)
    name = uniq("Refund ")
    created = manager.post(
        "/api/v1/macros",
        json={
            "name": name,
            "body": "Hello {{requester.name}}, your refund is on its way.",
            "actions": {"status": "pending", "priority": "low", "add_tags": ["refund"]},
        },
    )
    assert created.status_code == 201, created.text
    macro = created.json()
    assert_problem(manager.post("/api/v1/macros", json={"name": name}), 409)
    assert_problem(agent.patch(f"/api/v1/macros/{macro['id']}", json={"body": "x"}), 403)
    assert macro["id"] in [m["id"] for m in agent.get("/api/v1/macros").json()]
    ticket = open_ticket(
        agent, requester={"email": f"{uniq()}@x.example", "name": "Dana"}, tags=["a"]
    )
    applied = agent.post(f"/api/v1/tickets/{ticket['id']}/macros/{macro['id']}")
    assert applied.status_code == 200, applied.text
    result = applied.json()
    assert (result["status"], result["priority"], result["tags"]) == (
        "pending",
        "low",
        ["a", "refund"],
    )
    assert applied.headers["etag"] == agent.get(f"/api/v1/tickets/{ticket['id']}").headers["etag"]
    thread = agent.get(f"/api/v1/tickets/{ticket['id']}/messages").json()["items"]
    assert thread[-1]["body_text"] == "Hello Dana, your refund is on its way."
    off = manager.patch(f"/api/v1/macros/{macro['id']}", json={"is_active": False})
    assert off.json()["is_active"] is False
    assert macro["id"] not in [m["id"] for m in agent.get("/api/v1/macros").json()]
    everything = agent.get("/api/v1/macros", params={"include_inactive": True}).json()
    assert macro["id"] in [m["id"] for m in everything]
    assert_problem(agent.post(f"/api/v1/tickets/{ticket['id']}/macros/2147483000"), 404)


def test_views_counts_save_delete_and_tickets(server: Desk) -> None:
    me, agent = server.staff(Role.agent)
    tag = uniq("v")
    open_ticket(agent, tags=[tag], priority="urgent", assignee_id=me)
    open_ticket(agent, tags=[tag], priority="low")
    views = {v["slug"]: v for v in agent.get("/api/v1/views").json()}
    assert {"mine", "unassigned", "urgent", "open"} <= views.keys()
    assert views["mine"]["count"] == 1
    saved = agent.post(
        "/api/v1/views",
        json={
            "name": "My urgent batch",
            "filters": {"tag": [tag], "priority": ["urgent"]},
            "sort": "-created_at",
        },
    )
    assert saved.status_code == 201, saved.text
    view = saved.json()
    assert saved.headers["location"] == f"/api/v1/views/{view['slug']}/tickets"
    counted = {v["slug"]: v for v in agent.get("/api/v1/views").json()}
    assert counted[view["slug"]]["count"] == 1
    tickets = agent.get(f"/api/v1/views/{view['slug']}/tickets").json()
    assert [t["priority"] for t in tickets["items"]] == ["urgent"]
    mine = agent.get("/api/v1/views/mine/tickets", params={"with_total": True}).json()
    assert mine["total"] == 1
    assert_problem(agent.get("/api/v1/views/nope/tickets"), 404)
    assert_problem(agent.get("/api/v1/views/Bad Slug/tickets"), 422)
    assert_problem(agent.post("/api/v1/views", json={"name": "x", "sort": "password"}), 422)
    _uid, stranger = server.staff(Role.agent)
    assert view["slug"] not in [v["slug"] for v in stranger.get("/api/v1/views").json()]
    assert_problem(stranger.delete(f"/api/v1/views/{view['id']}"), 404)
    assert agent.delete(f"/api/v1/views/{view['id']}").status_code == 204
    assert_problem(agent.get(f"/api/v1/views/{view['slug']}/tickets"), 404)
