"""Accounts through the API: customers, organizations, users, teams, services, tokens."""

from __future__ import annotations

from csops.domains.accounts.models import Role
from tests.web.api.conftest import Desk, assert_problem, uniq


def test_customers_create_search_page_update(server: Desk) -> None:
    _uid, agent = server.staff(Role.agent)
    marker = uniq("needle")
    made = []
    for n in range(3):
        response = agent.post(
            "/api/v1/customers",
            json={"email": f"{marker}{n}@Example.com", "name": f"Person {n}"},
        )
        assert response.status_code == 201
        assert response.headers["location"] == f"/api/v1/customers/{response.json()['id']}"
        made.append(response.json())
    assert made[0]["email"] == f"{marker}0@example.com"
    duplicate = agent.post("/api/v1/customers", json={"email": made[0]["email"], "name": "Dup"})
    assert_problem(duplicate, 409)
    first = agent.get("/api/v1/customers", params={"q": marker.upper(), "limit": 2}).json()
    assert [c["id"] for c in first["items"]] == [made[0]["id"], made[1]["id"]]
    rest = agent.get(
        "/api/v1/customers", params={"q": marker, "limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [c["id"] for c in rest["items"]] == [made[2]["id"]] and rest["next_cursor"] is None
    exact = agent.get("/api/v1/customers", params={"email": made[1]["email"].upper()}).json()
    assert [c["id"] for c in exact["items"]] == [made[1]["id"]]
    assert agent.get("/api/v1/customers", params={"q": "%"}).status_code == 200
    changed = agent.patch(f"/api/v1/customers/{made[2]['id']}", json={"name": "Renamed"})
    assert changed.json()["name"] == "Renamed"
    assert_problem(agent.patch(f"/api/v1/customers/{made[2]['id']}", json={"email": "x@y.z"}), 422)
    assert_problem(agent.get("/api/v1/customers/2147483000"), 404)


def test_organizations_are_admin_written(server: Desk) -> None:
    _uid, admin = server.staff(Role.admin)
    _uid, manager = server.staff(Role.manager)
    name = uniq("Globex ")
    created = admin.post("/api/v1/organizations", json={"name": name, "tier": "premium"})
    assert created.status_code == 201 and created.json()["tier"] == "premium"
    org_id = created.json()["id"]
    assert_problem(admin.post("/api/v1/organizations", json={"name": name}), 409)
    assert_problem(manager.post("/api/v1/organizations", json={"name": uniq()}), 403)
    assert_problem(admin.post("/api/v1/organizations", json={"name": "x", "tier": "gold"}), 422)
    assert org_id in [o["id"] for o in manager.get("/api/v1/organizations").json()]
    patched = admin.patch(f"/api/v1/organizations/{org_id}", json={"notes": "VIP"})
    assert patched.json()["notes"] == "VIP"
    assert manager.get(f"/api/v1/organizations/{org_id}").json()["notes"] == "VIP"


def test_users_teams_services(server: Desk) -> None:
    _uid, admin = server.staff(Role.admin)
    agent_id, agent = server.staff(Role.agent)
    team = admin.post("/api/v1/teams", json={"name": uniq("Billing "), "member_ids": [agent_id]})
    assert team.status_code == 201 and team.json()["member_ids"] == [agent_id]
    team_id = team.json()["id"]
    email = f"{uniq('new')}@staff.example"
    user = admin.post(
        "/api/v1/users",
        json={"email": email, "name": "New Agent", "role": "engineer", "team_ids": [team_id]},
    )
    assert user.status_code == 201, user.text
    assert user.json()["team_ids"] == [team_id] and "password" not in user.json()
    assert_problem(admin.post("/api/v1/users", json={"email": email, "name": "Again"}), 409)
    assert_problem(
        admin.post(
            "/api/v1/users", json={"email": uniq() + "@x.example", "name": "S", "password": "short"}
        ),
        422,
    )
    assert agent.get(f"/api/v1/users/{user.json()['id']}").json()["role"] == "engineer"
    own = agent.patch(f"/api/v1/users/{agent_id}", json={"timezone": "Asia/Shanghai"})
    assert own.status_code == 200 and own.json()["timezone"] == "Asia/Shanghai"
    assert_problem(agent.patch(f"/api/v1/users/{agent_id}", json={"role": "admin"}), 403)
    promoted = admin.patch(f"/api/v1/users/{user.json()['id']}", json={"role": "manager"})
    assert promoted.json()["role"] == "manager"
    assert agent.get(f"/api/v1/teams/{team_id}").json()["member_ids"] == sorted(
        [agent_id, user.json()["id"]]
    )
    assert_problem(agent.get("/api/v1/teams/2147483000"), 404)
    service = admin.post(
        "/api/v1/services", json={"name": uniq("Payments API "), "owning_team_id": team_id}
    )
    assert service.status_code == 201 and service.json()["slug"].startswith("payments-api-")
    ticket = agent.post(
        "/api/v1/tickets",
        json={
            "subject": "Card declined",
            "description": "d",
            "requester": {"email": "pay@x.example"},
            "service": service.json()["slug"],
        },
    ).json()
    assert ticket["service"] == service.json()["slug"] and ticket["team_id"] == team_id
    changed = admin.patch(f"/api/v1/services/{service.json()['id']}", json={"description": "Pay"})
    assert changed.json()["description"] == "Pay"
    assert_problem(admin.get("/api/v1/services/2147483000"), 404)


def test_tokens_shown_once_scoped_and_revocable(server: Desk) -> None:
    _uid, agent = server.staff(Role.agent)
    made = agent.post("/api/v1/tokens", json={"name": "ci", "scopes": ["tickets:read"]})
    assert made.status_code == 201 and made.headers["cache-control"] == "no-store"
    token = made.json()["token"]
    assert (
        token.startswith("csops") and made.json()["prefix"] == token[: len(made.json()["prefix"])]
    )
    listed = agent.get("/api/v1/tokens").json()
    assert made.json()["id"] in [t["id"] for t in listed]
    assert all("token" not in t for t in listed)
    ci = server.client(headers={"Authorization": f"Bearer {token}"})
    assert ci.get("/api/v1/tickets").status_code == 200
    assert_problem(ci.post("/api/v1/tickets", json={"subject": "s", "description": "d"}), 403)
    assert_problem(ci.post("/api/v1/tokens", json={"name": "x"}), 403)
    used = [t for t in agent.get("/api/v1/tokens").json() if t["id"] == made.json()["id"]][0]
    assert used["last_used_at"] is not None
    assert_problem(agent.post("/api/v1/tokens", json={"name": "x", "scopes": ["admin"]}), 403)
    assert agent.delete(f"/api/v1/tokens/{made.json()['id']}").status_code == 204
    assert_problem(ci.get("/api/v1/tickets"), 401)
    _uid, stranger = server.staff(Role.agent)
    assert_problem(stranger.delete(f"/api/v1/tokens/{made.json()['id']}"), 404)
