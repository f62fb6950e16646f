"""Every HTML route x every kind of visitor, against one real server per backend.

Routes are discovered from the app (everything outside /api, /static, /health and /metrics),
so a new page or form fails `test_every_route_has_a_row` until it has a row here. Each row
gives the outcome for, in order: anonymous, the customer who asked, another customer, an
agent of another team, an agent of the ticket's team, a manager, an admin.

Outcomes: a status code ("200", "401", "403", "404"); "303" a redirect that is not to a login
page and carries no error flash; "L" a 303 to the staff login (/login), "PL" a 303 to the
portal login (/portal/login); "ERR" a 303 back with an error flash.

Every call runs in a login session of its own (made with auth.start_session, as the login
form would), so routes that end sessions (sign-in, sign-out, password change) cannot
disturb the next call; writes act on fresh rows. Forms carry the CSRF token the page would:
the session's, which is also put in the login-form CSRF cookie so the sign-in forms accept it.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from csops.config import get_settings
from csops.domains.accounts import auth
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Customer, PrincipalKind, Role, Team, User
from csops.domains.accounts.schemas import TokenCreate
from csops.domains.kb import service as kb
from csops.domains.kb.schemas import MacroCreate
from csops.domains.tickets import service as tickets
from csops.domains.tickets.models import Ticket
from csops.domains.tickets.schemas import TicketCreate
from csops.web.app import create_app
from tests.conftest import BACKENDS, TemplateDatabases, new_engine
from tests.web.conftest import PASSWORD, LiveServer, _serve
from tests.web.matrix_plugins import collect
from tests.web.ui import matrix_rows

ROLES = ("anon", "cust", "cust2", "other", "agent", "manager", "admin")
EXCLUDED = ("/api/", "/static", "/health", "/metrics")
T = "/tickets/{ticket_id}"
R = "/portal/requests/{ticket_id}"
STAFF_GET = "L L L 200 200 200 200"
STAFF_POST = "L L L 303 303 303 303"
TEAM_GET = "L L L 404 200 200 200"
TEAM_POST = "L L L 404 303 303 303"
ADMIN_GET = "L L L 403 403 403 200"
ADMIN_POST = "L L L 403 403 403 303"
PORTAL = "PL 200 200 PL PL PL PL"
EXPECT: dict[tuple[str, str], str] = {
    ("GET", "/"): "303 303 303 303 303 303 303",
    ("GET", "/login"): "200 200 200 303 303 303 303",
    ("POST", "/login"): "303 303 303 303 303 303 303",
    ("POST", "/logout"): "L L L L L L L",
    ("GET", "/account"): STAFF_GET,
    ("POST", "/account"): STAFF_POST,
    ("POST", "/account/password"): STAFF_POST,
    ("GET", "/inbox"): STAFF_GET,
    ("POST", "/inbox/bulk"): "L L L ERR 303 303 303",
    ("GET", T): TEAM_GET,
    ("POST", T + "/messages"): TEAM_POST,
    ("POST", T + "/macro"): TEAM_POST,
    ("POST", T + "/properties"): TEAM_POST,
    ("POST", T + "/merge"): TEAM_POST,
    ("GET", "/admin/users"): ADMIN_GET,
    ("POST", "/admin/users"): ADMIN_POST,
    ("GET", "/admin/users/{user_id}"): ADMIN_GET,
    ("POST", "/admin/users/{user_id}"): ADMIN_POST,
    ("GET", "/admin/teams"): ADMIN_GET,
    ("POST", "/admin/teams"): ADMIN_POST,
    ("GET", "/admin/teams/{team_id}"): ADMIN_GET,
    ("POST", "/admin/teams/{team_id}"): ADMIN_POST,
    ("GET", "/admin/services"): ADMIN_GET,
    ("POST", "/admin/services"): ADMIN_POST,
    ("GET", "/admin/organizations"): ADMIN_GET,
    ("POST", "/admin/organizations"): ADMIN_POST,
    ("GET", "/admin/tokens"): ADMIN_GET,
    ("POST", "/admin/tokens"): ADMIN_GET,  # the new token is shown on the response page
    ("POST", "/admin/tokens/{token_id}/revoke"): ADMIN_POST,
    ("GET", "/portal/login"): "200 303 303 200 200 200 200",
    ("POST", "/portal/login"): "303 303 303 303 303 303 303",
    ("POST", "/portal/logout"): "PL PL PL PL PL PL PL",
    ("GET", "/portal/magic"): "200 200 200 200 200 200 200",
    ("POST", "/portal/magic"): "200 200 200 200 200 200 200",
    ("GET", "/portal/magic/{token}"): "303 303 303 303 303 303 303",
    ("GET", "/portal"): PORTAL,
    ("GET", "/portal/new"): PORTAL,
    ("POST", "/portal/new"): "PL 303 303 PL PL PL PL",
    ("GET", R): "PL 200 404 PL PL PL PL",
    ("POST", R + "/reply"): "PL 303 404 PL PL PL PL",
    ("POST", R + "/close"): "PL 303 404 PL PL PL PL",
    ("GET", "/live/tickets"): "401 404 404 200 200 200 200",
    ("GET", "/live/tickets/{ticket_id}"): "401 200 404 404 200 200 200",
}


def uniq(prefix: str = "x") -> str:
    return f"{prefix}{secrets.token_hex(5)}"


FORMS: dict[tuple[str, str], Callable[[World], dict[str, Any]]] = {
    ("POST", "/login"): lambda w: {"email": w.emails["agent"], "password": PASSWORD},
    ("POST", "/account"): lambda w: {"name": "Matrix", "locale": "en", "timezone": "UTC"},
    ("POST", "/account/password"): lambda w: {
        "current": PASSWORD,
        "new": PASSWORD,
        "confirm": PASSWORD,
    },
    ("POST", "/inbox/bulk"): lambda w: {
        "ids": [str(w.fresh_ticket())],
        "action": "priority",
        "priority": "high",
    },
    ("POST", T + "/messages"): lambda w: {"body": "From the matrix", "kind": "public"},
    ("POST", T + "/macro"): lambda w: {"macro_id": str(w.ids["macro_id"])},
    ("POST", T + "/properties"): lambda w: {
        "version": str(w.version(w.current)),
        "priority": "high",
        "team_id": str(w.ids["team"]),
    },
    ("POST", T + "/merge"): lambda w: {"target_id": str(w.fresh_ticket())},
    ("POST", "/admin/users"): lambda w: {
        "email": f"{uniq()}@staff.example",
        "name": "New",
        "role": "agent",
    },
    ("POST", "/admin/users/{user_id}"): lambda w: {
        "name": "Victim",
        "role": "agent",
        "is_active": "on",
    },
    ("POST", "/admin/teams"): lambda w: {"name": uniq("Team ")},
    ("POST", "/admin/teams/{team_id}"): lambda w: {"name": uniq("Team "), "description": "m"},
    ("POST", "/admin/services"): lambda w: {"name": uniq("Service ")},
    ("POST", "/admin/organizations"): lambda w: {"name": uniq("Org "), "tier": "standard"},
    ("POST", "/admin/tokens"): lambda w: {"name": "matrix", "scopes": ["tickets:read"]},
    ("POST", "/portal/login"): lambda w: {"email": w.emails["cust"], "password": PASSWORD},
    ("POST", "/portal/magic"): lambda w: {"email": w.emails["cust"]},
    ("POST", "/portal/new"): lambda w: {"subject": "Matrix", "description": "From the matrix"},
    ("POST", R + "/reply"): lambda w: {"body": "Any news?"},
}

PLUGINS = collect(matrix_rows)
for _rows in PLUGINS:
    EXPECT.update(_rows.expect)
    FORMS.update(_rows.bodies)
FRESH = {name: make for rows in PLUGINS for name, make in rows.fresh.items()}
STREAMS = {route for rows in PLUGINS for route in rows.streams}


@dataclass
class World:
    desk: LiveServer
    clients: dict[str, httpx.Client] = field(default_factory=dict)
    principals: dict[str, tuple[PrincipalKind, int]] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)
    current: int = 0  # the fresh ticket of the call being made

    def fresh_ticket(self) -> int:
        """A ticket of the first customer, in the agent's team."""
        data = TicketCreate.model_validate(
            {
                "subject": "Matrix",
                "description": "Made by the matrix",
                "requester": {"email": self.emails["cust"], "name": "Cust"},
                "team_id": self.ids["team"],
            }
        )

        def make(session: Session) -> int:
            return tickets.create_ticket(session, data=data, actor=Actor.system()).id

        return int(self.desk.seed(make))

    def version(self, ticket_id: int) -> int:
        return int(self.desk.seed(lambda s: s.get_one(Ticket, ticket_id).version))

    def fresh_token(self) -> int:
        def make(session: Session) -> int:
            admin = session.get_one(User, self.principals["admin"][1])
            data = TokenCreate(name="doomed", scopes=["tickets:read"])
            return auth.create_token(session, user=admin, data=data, actor=Actor.system())[0].id

        return int(self.desk.seed(make))

    def magic_link(self) -> str:
        def make(session: Session) -> str:
            customer = session.get_one(Customer, self.principals["cust"][1])
            return auth.create_magic_link(session, customer=customer)

        return str(self.desk.seed(make))

    def path(self, template: str, method: str) -> str:
        values: dict[str, Any] = {
            **self.ids,
            "ticket_id": self.ids["ticket_id"],
            "user_id": self.ids["victim"],
            "team_id": self.ids["victim_team"],
        }
        if "{ticket_id}" in template and method != "GET":
            self.current = values["ticket_id"] = self.fresh_ticket()
        if "{token_id}" in template:
            values["token_id"] = self.fresh_token()
        if "{token}" in template:
            values["token"] = self.magic_link()
        for name, make in FRESH.items():
            if "{" + name + "}" in template and method != "GET":
                values[name] = make(self)
        return template.format(**values)

    def sign_in(self, role: str) -> tuple[httpx.Client, str]:
        """The role's client with only a new login session (if any) and a CSRF cookie."""
        client = self.clients[role]
        client.cookies.clear()
        csrf = secrets.token_urlsafe(24)
        if role in self.principals:
            kind, principal_id = self.principals[role]

            def start(session: Session) -> auth.NewSession:
                return auth.start_session(session, kind=kind, principal_id=principal_id, hours=1)

            new = self.desk.seed(start)
            client.cookies.set("csops_session", new.cookie_value)
            csrf = new.csrf_token
        client.cookies.set("csops_csrf", csrf)
        return client, csrf

    def call(self, role: str, method: str, template: str) -> str:
        client, csrf = self.sign_in(role)
        path = self.path(template, method)
        if path.startswith("/live/") or (method, template) in STREAMS:
            with client.stream(method, path) as response:
                return outcome(response, "text/event-stream")
        data = FORMS[(method, template)](self) if (method, template) in FORMS else {}
        if method == "POST":
            data = {"csrf_token": csrf, **data}
        return outcome(client.request(method, path, data=data or None), "text/html")


def outcome(response: httpx.Response, content_type: str) -> str:
    status = response.status_code
    if status == 303:
        target = urlsplit(response.headers["location"]).path
        if target == "/login":
            return "L"
        if target == "/portal/login":
            return "PL"
        return "ERR" if flash_kind(response) == "error" else "303"
    if status < 300:
        assert response.headers["content-type"].startswith(content_type), response.headers
    if status >= 400:
        assert response.headers["content-type"].startswith("text/html"), response.headers
    return str(status)


def flash_kind(response: httpx.Response) -> str | None:
    raw = response.cookies.get("csops_flash")
    if not raw:
        return None
    try:
        value = json.loads(unquote(raw))
    except ValueError:
        return "ok"  # a flash code of csops.web.ui.auth: those are all successes
    return str(value[0]) if isinstance(value, list) and value else None


def discover() -> list[tuple[str, str]]:
    app = create_app(get_settings(), create_engine("sqlite://"), check_schema=False)
    found = set()
    for ctx in iter_route_contexts(app.routes):
        path = str(ctx.path)
        if path.startswith(EXCLUDED):
            continue
        found |= {(method, path) for method in ctx.methods or () if method != "HEAD"}
    return sorted(found)


ROUTES = discover()


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest, templates: TemplateDatabases) -> Iterator[World]:
    engine = new_engine(templates, request.param)
    # Many sign-ins and link requests from one address: no rate limit in this module.
    settings = get_settings().model_copy(update={"login_max_attempts": 100_000})
    server, thread, port = _serve(create_app(settings, engine))
    desk = LiveServer(url=f"http://127.0.0.1:{port}", engine=engine)
    w = World(desk=desk)
    try:
        _populate(w)
        yield w
    finally:
        for client in w.clients.values():
            client.close()
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


def _populate(w: World) -> None:
    desk = w.desk
    team, other_team = uniq("Blue "), uniq("Red ")
    for role, kind, teams in (
        ("other", Role.agent, (other_team,)),
        ("agent", Role.agent, (team,)),
        ("manager", Role.manager, ()),
        ("admin", Role.admin, ()),
    ):
        w.emails[role] = f"{role}-{uniq()}@staff.example"
        w.principals[role] = (PrincipalKind.user, desk.user(w.emails[role], kind, teams))
    for role in ("cust", "cust2"):
        w.emails[role] = f"{role}-{uniq()}@customer.example"
        org = uniq("Org ") if role == "cust" else None
        w.principals[role] = (PrincipalKind.customer, desk.customer(w.emails[role], org))
    for role in ROLES:
        w.clients[role] = desk.client(follow_redirects=False, headers={"Accept": "text/html"})

    def setup(session: Session) -> None:
        w.ids["team"] = session.scalars(select(Team.id).where(Team.name == team)).one()
        victim_team = Team(name=uniq("Victims "))
        victim = User(email=f"{uniq()}@staff.example", name="Victim", role=Role.agent)
        session.add_all([victim_team, victim])
        session.flush()
        w.ids["victim_team"], w.ids["victim"] = victim_team.id, victim.id
        data = MacroCreate.model_validate({"name": uniq("M "), "actions": {"add_tags": ["m"]}})
        w.ids["macro_id"] = kb.create_macro(session, data=data, actor=Actor.system()).id

    desk.seed(setup)
    w.ids["ticket_id"] = w.fresh_ticket()
    for rows in PLUGINS:
        if rows.prepare is not None:
            rows.prepare(w)


def test_every_route_has_a_row() -> None:
    missing = sorted(set(ROUTES) - set(EXPECT))
    stale = sorted(set(EXPECT) - set(ROUTES))
    assert not missing, f"HTML routes without a row in the matrix: {missing}"
    assert not stale, f"rows for routes that no longer exist: {stale}"


@pytest.mark.parametrize("route", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_route(world: World, route: tuple[str, str]) -> None:
    method, template = route
    assert route in EXPECT, f"add {route} to EXPECT in {__file__}"
    wanted = dict(zip(ROLES, EXPECT[route].split(), strict=True))
    got = {role: world.call(role, method, template) for role in ROLES}
    assert got == wanted
