"""Every /api/v1 route x every kind of caller, against one real server per backend.

Routes are discovered from the app, so a new route fails `test_route` until it has a row
here. Each row lists the expected status for, in order: anonymous, the customer who asked,
another customer, an agent of another team, an agent of the ticket's team, a manager, an
admin. Writes act on fresh rows each time, so no call depends on another; every POST
carries an Idempotency-Key, so the key handling runs on every creating route too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import create_engine

from csops.config import get_settings
from csops.domains.accounts.models import Role
from csops.web.app import create_app
from tests.web.api import matrix_rows
from tests.web.api.conftest import Desk, open_ticket, uniq
from tests.web.matrix_plugins import collect

ROLES = ("anon", "cust", "cust2", "other", "agent", "manager", "admin")
T = "/api/v1/tickets"
EXPECT: dict[tuple[str, str], str] = {
    ("GET", T): "401 200 200 200 200 200 200",
    ("POST", T): "401 201 201 201 201 201 201",
    ("GET", T + "/{ticket_id}"): "401 200 404 404 200 200 200",
    ("PATCH", T + "/{ticket_id}"): "401 200 404 404 200 200 200",
    ("POST", T + "/{ticket_id}/merge"): "401 404 404 404 200 200 200",
    ("GET", T + "/{ticket_id}/events"): "401 404 404 404 200 200 200",
    ("GET", T + "/{ticket_id}/messages"): "401 200 404 404 200 200 200",
    ("POST", T + "/{ticket_id}/messages"): "401 201 404 404 201 201 201",
    ("POST", T + "/{ticket_id}/macros/{macro_id}"): "401 404 404 404 200 200 200",
    ("GET", "/api/v1/attachments/{attachment_id}"): "401 200 404 404 200 200 200",
    ("GET", "/api/v1/customers"): "401 404 404 200 200 200 200",
    ("POST", "/api/v1/customers"): "401 404 404 201 201 201 201",
    ("GET", "/api/v1/customers/{customer_id}"): "401 200 404 200 200 200 200",
    ("PATCH", "/api/v1/customers/{customer_id}"): "401 404 404 200 200 200 200",
    ("GET", "/api/v1/organizations"): "401 404 404 200 200 200 200",
    ("POST", "/api/v1/organizations"): "401 404 404 403 403 403 201",
    ("GET", "/api/v1/organizations/{org_id}"): "401 404 404 200 200 200 200",
    ("PATCH", "/api/v1/organizations/{org_id}"): "401 404 404 403 403 403 200",
    ("GET", "/api/v1/users"): "401 404 404 200 200 200 200",
    ("POST", "/api/v1/users"): "401 404 404 403 403 403 201",
    ("GET", "/api/v1/users/{user_id}"): "401 404 404 200 200 200 200",
    ("PATCH", "/api/v1/users/{user_id}"): "401 404 404 403 403 403 200",
    ("GET", "/api/v1/teams"): "401 404 404 200 200 200 200",
    ("POST", "/api/v1/teams"): "401 404 404 403 403 403 201",
    ("GET", "/api/v1/teams/{team_id}"): "401 404 404 200 200 200 200",
    ("PATCH", "/api/v1/teams/{team_id}"): "401 404 404 403 403 403 200",
    ("GET", "/api/v1/services"): "401 200 200 200 200 200 200",
    ("POST", "/api/v1/services"): "401 404 404 403 403 403 201",
    ("GET", "/api/v1/services/{service_id}"): "401 200 200 200 200 200 200",
    ("PATCH", "/api/v1/services/{service_id}"): "401 404 404 403 403 403 200",
    ("GET", "/api/v1/tokens"): "401 404 404 200 200 200 200",
    ("POST", "/api/v1/tokens"): "401 404 404 201 201 201 201",
    ("DELETE", "/api/v1/tokens/{token_id}"): "401 404 404 404 204 404 204",
    ("GET", "/api/v1/macros"): "401 404 404 200 200 200 200",
    ("POST", "/api/v1/macros"): "401 404 404 403 403 201 201",
    ("GET", "/api/v1/macros/{macro_id}"): "401 404 404 200 200 200 200",
    ("PATCH", "/api/v1/macros/{macro_id}"): "401 404 404 403 403 200 200",
    ("GET", "/api/v1/views"): "401 404 404 200 200 200 200",
    ("POST", "/api/v1/views"): "401 404 404 201 201 201 201",
    ("DELETE", "/api/v1/views/{view_id}"): "401 404 404 404 204 404 204",
    ("GET", "/api/v1/views/{slug}/tickets"): "401 404 404 200 200 200 200",
    ("GET", "/api/v1/custom-fields"): "401 404 404 200 200 200 200",
    ("POST", "/api/v1/custom-fields"): "401 404 404 403 403 403 201",
}
BODIES: dict[tuple[str, str], Callable[[World], dict[str, Any]]] = {
    ("POST", T): lambda w: {
        "subject": "Matrix",
        "description": "Made by the matrix",
        "requester": {"email": w.cust_email, "name": "Cust"},
    },
    ("PATCH", T + "/{ticket_id}"): lambda w: {"status": "solved"},
    ("POST", T + "/{ticket_id}/merge"): lambda w: {"target_id": w.fresh_ticket()},
    ("POST", T + "/{ticket_id}/messages"): lambda w: {"body": "Any news?"},
    ("POST", "/api/v1/customers"): lambda w: {
        "email": f"{uniq()}@new.example",
        "name": "New Customer",
    },
    ("PATCH", "/api/v1/customers/{customer_id}"): lambda w: {"locale": "en"},
    ("POST", "/api/v1/organizations"): lambda w: {"name": uniq("Org ")},
    ("PATCH", "/api/v1/organizations/{org_id}"): lambda w: {"notes": "matrix"},
    ("POST", "/api/v1/users"): lambda w: {"email": f"{uniq()}@staff.example", "name": "New"},
    ("PATCH", "/api/v1/users/{user_id}"): lambda w: {"timezone": "Europe/Paris"},
    ("POST", "/api/v1/teams"): lambda w: {"name": uniq("Team ")},
    ("PATCH", "/api/v1/teams/{team_id}"): lambda w: {"description": "matrix"},
    ("POST", "/api/v1/services"): lambda w: {"name": uniq("Service ")},
    ("PATCH", "/api/v1/services/{service_id}"): lambda w: {"description": "matrix"},
    ("POST", "/api/v1/tokens"): lambda w: {"name": "matrix", "scopes": ["tickets:read"]},
    ("POST", "/api/v1/macros"): lambda w: {"name": uniq("Macro ")},
    ("POST", "/api/v1/custom-fields"): lambda w: {
        "key": uniq("f_"),
        "label": "Order number",
        "field_type": "text",
    },
    ("PATCH", "/api/v1/macros/{macro_id}"): lambda w: {"body": "Thanks {{requester.name}}!"},
    ("POST", "/api/v1/views"): lambda w: {"name": uniq("View "), "filters": {"priority": ["high"]}},
}

PLUGINS = collect(matrix_rows)
for _rows in PLUGINS:
    EXPECT.update(_rows.expect)
    BODIES.update(_rows.bodies)
FRESH = {name: make for rows in PLUGINS for name, make in rows.fresh.items()}


@dataclass
class World:
    desk: Desk
    clients: dict[str, httpx.Client] = field(default_factory=dict)
    ids: dict[str, int | str] = field(default_factory=dict)
    cust_email: str = ""

    def fresh_ticket(self) -> int:
        """A ticket of the first customer, in the agent's team."""
        ticket = open_ticket(
            self.clients["admin"],
            requester={"email": self.cust_email, "name": "Cust"},
            team_id=self.ids["team_id"],
        )
        return int(ticket["id"])

    def fresh_token(self) -> int:
        response = self.clients["agent"].post(
            "/api/v1/tokens", json={"name": "doomed", "scopes": ["tickets:read"]}
        )
        return int(response.json()["id"])

    def fresh_view(self) -> int:
        response = self.clients["agent"].post("/api/v1/views", json={"name": uniq("Doomed ")})
        return int(response.json()["id"])

    def path(self, template: str, method: str) -> str:
        values: dict[str, Any] = dict(self.ids)
        if "{ticket_id}" in template and method != "GET":
            values["ticket_id"] = self.fresh_ticket()
        if "{token_id}" in template:
            values["token_id"] = self.fresh_token()
        if "{view_id}" in template:
            values["view_id"] = self.fresh_view()
        for name, make in FRESH.items():
            if "{" + name + "}" in template and method != "GET":
                values[name] = make(self)
        return template.format(**values)


def discover() -> list[tuple[str, str]]:
    app = create_app(get_settings(), create_engine("sqlite://"), check_schema=False)
    return sorted(
        (method, str(ctx.path))
        for ctx in iter_route_contexts(app.routes)
        if isinstance(ctx.original_route, APIRoute) and str(ctx.path).startswith("/api/v1")
        for method in ctx.methods or ()
    )


ROUTES = discover()


@pytest.fixture(scope="module")
def world(server: Desk) -> World:
    w = World(desk=server)
    team = uniq("Blue ")
    w.clients["anon"] = server.client()
    for role, name, teams in (
        ("other", Role.agent, (uniq("Red "),)),
        ("agent", Role.agent, (team,)),
        ("manager", Role.manager, ()),
        ("admin", Role.admin, ()),
    ):
        _uid, w.clients[role] = server.staff(name, teams=teams)
    cust_id, w.cust_email = server.new_customer(org=uniq("Org "))
    cust2_id, _ = server.new_customer()
    w.clients["cust"] = server.portal(cust_id)
    w.clients["cust2"] = server.portal(cust2_id)
    admin = w.clients["admin"]
    teams = admin.get("/api/v1/teams").json()
    w.ids["team_id"] = next(t["id"] for t in teams if t["name"] == team)
    w.ids["customer_id"] = cust_id
    w.ids["org_id"] = admin.get(f"/api/v1/customers/{cust_id}").json()["organization_id"]
    victim, _client = server.staff(Role.agent)
    w.ids["user_id"] = victim
    w.ids["service_id"] = admin.post("/api/v1/services", json={"name": uniq("Svc ")}).json()["id"]
    macro = admin.post(
        "/api/v1/macros", json={"name": uniq("M "), "actions": {"add_tags": ["matrix"]}}
    )
    w.ids["macro_id"] = macro.json()["id"]
    w.ids["ticket_id"] = w.fresh_ticket()
    reply = admin.post(
        f"/api/v1/tickets/{w.ids['ticket_id']}/messages",
        data={"body": "See attached", "public": "true"},
        files=[("files", ("notes.txt", b"hello", "text/plain"))],
    )
    w.ids["attachment_id"] = reply.json()["attachments"][0]["id"]
    w.ids["slug"] = "open"
    for rows in PLUGINS:
        if rows.prepare is not None:
            rows.prepare(w)
    return w


def test_every_route_has_a_row() -> None:
    missing = sorted(set(ROUTES) - set(EXPECT))
    stale = sorted(set(EXPECT) - set(ROUTES))
    assert not missing, f"routes without a row in the matrix: {missing}"
    assert not stale, f"rows for routes that no longer exist: {stale}"


@pytest.mark.parametrize("route", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_route(world: World, route: tuple[str, str]) -> None:
    method, template = route
    assert route in EXPECT, f"add {route} to EXPECT in {__file__}"
    wanted = dict(zip(ROLES, (int(s) for s in EXPECT[route].split()), strict=True))
    got: dict[str, int] = {}
    for role in ROLES:
        body = BODIES[route](world) if route in BODIES else None
        headers = {"Idempotency-Key": uniq()} if method == "POST" else {}
        path = world.path(template, method)
        response = world.clients[role].request(method, path, json=body, headers=headers)
        got[role] = response.status_code
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
    assert got == wanted


def test_every_route_is_documented(server: Desk) -> None:
    spec = server.client().get("/api/openapi.json").json()
    for method, path in ROUTES:
        operation = spec["paths"][path][method.lower()]
        ok = [code for code in operation["responses"] if code.startswith("2")]
        assert ok, (method, path)
        content = operation["responses"][ok[0]].get("content", {})
        # Files (attachments, reports as PDF or Markdown) are documented by media type.
        if ok[0] != "204" and "attachments" not in path and "application/json" in content:
            assert "$ref" in str(content.get("application/json", {})), (method, path)
