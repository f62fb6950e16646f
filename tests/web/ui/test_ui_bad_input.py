"""Bad input on every HTML form and page, through one real server per backend.

Never a 500: garbage in any form field is a 4xx or a 303 back with an error flash (or, when
the garbage happens to be a valid value, the form's ordinary answer), and a rejected form
writes nothing (rows are counted before and after, tickets keep their version). Forms are
discovered from the app, so a new form fails `test_every_form_has_a_base` until it is
listed here with a valid minimal form; every field of it is then fuzzed automatically.
Also: missing and wrong CSRF tokens (403), invalid UTF-8 (400), oversize bodies (413),
bad ids in paths and queries, attachments over the limits, and XSS payloads that must come
out escaped on the inbox, the ticket page and the portal.
"""

from __future__ import annotations

import json
import re
import secrets
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from fastapi import params
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from csops.config import get_settings
from csops.domains.accounts import auth
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import (
    ApiToken,
    Customer,
    Organization,
    PrincipalKind,
    Role,
    Service,
    Team,
    User,
)
from csops.domains.accounts.schemas import TokenCreate
from csops.domains.kb import service as kb
from csops.domains.kb.models import Macro
from csops.domains.kb.schemas import MacroCreate
from csops.domains.live.models import LiveEvent
from csops.domains.tickets import service as tickets
from csops.domains.tickets.models import Attachment, Message, Ticket, TicketEvent
from csops.domains.tickets.schemas import TicketCreate
from csops.jobs.models import Job
from csops.web.app import create_app
from tests.conftest import BACKENDS, TemplateDatabases, new_engine
from tests.web.conftest import PASSWORD, LiveServer, _serve
from tests.web.matrix_plugins import collect
from tests.web.ui import matrix_rows

HUGE = str(10**30)
NUL = "bogus\x00value"
LONG = "x" * 300
MISSING = "99999999"  # a plausible id that names nothing
GARBAGE = ("", "abc", HUGE, "-1", MISSING, NUL, LONG)
# A password is hashed on every try (slow): only values that stop before the hash, and one.
FIELD_GARBAGE = {"password": ("", NUL, "x" * 2000)}
COUNTED = (
    Ticket,
    Message,
    Attachment,
    TicketEvent,
    LiveEvent,
    Job,
    User,
    Team,
    Service,
    Organization,
    Customer,
    ApiToken,
    Macro,
)
ANON, CUST, ADMIN = "anon", "cust", "admin"
T = "/tickets/{ticket_id}"
R = "/portal/requests/{ticket_id}"


def uniq(prefix: str = "x") -> str:
    return f"{prefix}{secrets.token_hex(5)}"


# Each form: who may post it, and a valid minimal form (the fuzz replaces one field at a time).
BASE: dict[str, tuple[str, Callable[[Desk], dict[str, Any]]]] = {
    "/login": (ANON, lambda d: {"email": d.emails[ADMIN], "password": ""}),
    "/logout": (ADMIN, lambda d: {}),
    "/account": (ADMIN, lambda d: {"name": "Ann", "locale": "en", "timezone": "UTC"}),
    # new != confirm, so fuzzing one field never reaches the (slow) password hash
    "/account/password": (
        ADMIN,
        lambda d: {"current": PASSWORD, "new": "new password 1", "confirm": "new password 2"},
    ),
    "/inbox/bulk": (
        ADMIN,
        lambda d: {"ids": [str(d.fresh_ticket())], "action": "priority", "priority": "high"},
    ),
    T + "/messages": (ADMIN, lambda d: {"body": "Hello", "kind": "public", "status": ""}),
    T + "/macro": (ADMIN, lambda d: {"macro_id": str(d.ids["macro"])}),
    T + "/properties": (
        ADMIN,
        lambda d: {"version": str(d.version(d.current)), "priority": "high", "tags": "a"},
    ),
    T + "/merge": (ADMIN, lambda d: {"target_id": str(d.fresh_ticket())}),
    "/admin/users": (
        ADMIN,
        lambda d: {"email": f"{uniq()}@staff.example", "name": "New", "role": "agent"},
    ),
    "/admin/users/{user_id}": (
        ADMIN,
        lambda d: {"name": "Victim", "role": "agent", "is_active": "on"},
    ),
    "/admin/teams": (ADMIN, lambda d: {"name": uniq("Team ")}),
    "/admin/teams/{team_id}": (ADMIN, lambda d: {"name": uniq("Team ")}),
    "/admin/services": (ADMIN, lambda d: {"name": uniq("Service ")}),
    "/admin/organizations": (ADMIN, lambda d: {"name": uniq("Org "), "tier": "standard"}),
    "/admin/tokens": (ADMIN, lambda d: {"name": "fuzz", "scopes": ["tickets:read"]}),
    "/admin/tokens/{token_id}/revoke": (ADMIN, lambda d: {}),
    "/portal/login": (ANON, lambda d: {"email": d.emails[CUST], "password": ""}),
    "/portal/logout": (CUST, lambda d: {}),
    "/portal/magic": (ANON, lambda d: {"email": d.emails[CUST]}),
    "/portal/new": (CUST, lambda d: {"subject": "Help", "description": "Please"}),
    R + "/reply": (CUST, lambda d: {"body": "Any news?"}),
    R + "/close": (CUST, lambda d: {}),
}

PLUGINS = collect(matrix_rows)
for _rows in PLUGINS:
    BASE.update(_rows.fuzz)
FRESH = {name: make for rows in PLUGINS for name, make in rows.fresh.items()}


@dataclass(frozen=True)
class Form:
    path: str
    fields: tuple[str, ...]  # form fields (csrf_token included), by the names browsers send
    files: bool


ROUTES = list(
    iter_route_contexts(
        create_app(get_settings(), create_engine("sqlite://"), check_schema=False).routes
    )
)


def discover() -> list[Form]:
    forms = []
    for ctx in ROUTES:
        path, route = str(ctx.path), ctx.original_route
        if path.startswith("/api/") or "POST" not in (ctx.methods or ()):
            continue
        assert isinstance(route, APIRoute), path
        hints = typing.get_type_hints(route.endpoint, include_extras=True)
        found = [
            (meta.alias or name, isinstance(meta, params.File))
            for name, hint in hints.items()
            for meta in getattr(hint, "__metadata__", ())
            if isinstance(meta, params.Form)
        ]
        fields = tuple(name for name, is_file in found if not is_file)
        forms.append(Form(path, fields, any(is_file for _, is_file in found)))
    return sorted(forms, key=lambda f: f.path)


FORMS = discover()


@dataclass
class Desk:
    live: LiveServer
    principals: dict[str, tuple[PrincipalKind, int]] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)
    clients: dict[str, httpx.Client] = field(default_factory=dict)
    current: int = 0  # the fresh ticket of the form being posted

    @property
    def desk(self) -> LiveServer:
        """The server, under the name the matrix rows' `prepare` and `fresh` use."""
        return self.live

    def fresh_ticket(self, **fields: Any) -> int:
        """A ticket of the customer, in the admin's team."""
        data = TicketCreate.model_validate(
            {
                "subject": "Bad input",
                "description": "Made for bad input",
                "requester": {"email": self.emails[CUST], "name": "Cust"},
                "team_id": self.ids["team"],
                **fields,
            }
        )

        def make(session: Session) -> int:
            return tickets.create_ticket(session, data=data, actor=Actor.system()).id

        return int(self.live.seed(make))

    def version(self, ticket_id: int) -> int:
        return int(self.live.seed(lambda s: s.get_one(Ticket, ticket_id).version))

    def fresh_token(self) -> int:
        def make(session: Session) -> int:
            admin = session.get_one(User, self.principals[ADMIN][1])
            data = TokenCreate(name="doomed", scopes=["tickets:read"])
            return auth.create_token(session, user=admin, data=data, actor=Actor.system())[0].id

        return int(self.live.seed(make))

    def path(self, template: str) -> str:
        values: dict[str, Any] = {
            **self.ids,
            "user_id": self.ids["victim"],
            "team_id": self.ids["victims"],
        }
        if "{ticket_id}" in template:
            self.current = values["ticket_id"] = self.fresh_ticket()
        if "{token_id}" in template:
            values["token_id"] = self.fresh_token()
        for name, make in FRESH.items():
            if "{" + name + "}" in template:
                values[name] = make(self)
        return template.format(**values)

    def browser(self, role: str) -> tuple[httpx.Client, str]:
        """A client in a new login session of the role (none for anon), with the CSRF token
        its pages would carry (also set as the sign-in forms' CSRF cookie)."""
        client = self.clients.get(role) or self.live.client(
            follow_redirects=False, headers={"Accept": "text/html"}
        )
        self.clients[role] = client  # one per role (a new client costs ~30 ms)
        client.cookies.clear()
        csrf = secrets.token_urlsafe(24)
        if role != ANON:
            kind, principal_id = self.principals[role]

            def start(session: Session) -> auth.NewSession:
                return auth.start_session(session, kind=kind, principal_id=principal_id, hours=1)

            new = self.live.seed(start)
            client.cookies.set("csops_session", new.cookie_value)
            csrf = new.csrf_token
        client.cookies.set("csops_csrf", csrf)
        return client, csrf

    def counts(self) -> dict[str, Any]:
        """Rows per table, plus what a form could change in place: the form's ticket, the
        victim user and team, revoked tokens."""

        def count(session: Session) -> dict[str, Any]:
            counts = [
                select(func.count()).select_from(model).scalar_subquery() for model in COUNTED
            ]
            revoked = select(func.count()).where(ApiToken.revoked_at.is_not(None))
            row = session.execute(select(*counts, revoked.scalar_subquery())).one()
            names = [model.__name__ for model in COUNTED] + ["revoked"]
            found: dict[str, Any] = dict(zip(names, row, strict=True))
            victim = session.get_one(User, self.ids["victim"])
            found["victim"] = (victim.name, victim.role, victim.is_active, victim.password_hash)
            found["victims"] = session.get_one(Team, self.ids["victims"]).name
            if self.current:
                found["ticket"] = session.get_one(Ticket, self.current).version
            return found

        result: dict[str, Any] = self.live.seed(count)
        return result


@pytest.fixture(scope="module", params=BACKENDS)
def desk(request: pytest.FixtureRequest, templates: TemplateDatabases) -> Iterator[Desk]:
    engine = new_engine(templates, request.param)
    # Many failed sign-ins from one address: the rate limit has tests of its own.
    settings = get_settings().model_copy(update={"login_max_attempts": 100_000})
    server, thread, port = _serve(create_app(settings, engine))
    d = Desk(live=LiveServer(url=f"http://127.0.0.1:{port}", engine=engine))
    try:
        _populate(d)
        yield d
    finally:
        for client in d.clients.values():
            client.close()
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


def _populate(d: Desk) -> None:
    live = d.live
    team = uniq("Blue ")
    d.emails[ADMIN] = f"admin-{uniq()}@staff.example"
    d.principals[ADMIN] = (PrincipalKind.user, live.user(d.emails[ADMIN], Role.admin, (team,)))
    d.emails[CUST] = f"cust-{uniq()}@customer.example"
    d.principals[CUST] = (PrincipalKind.customer, live.customer(d.emails[CUST]))

    def setup(session: Session) -> None:
        d.ids["team"] = session.scalars(select(Team.id).where(Team.name == team)).one()
        victims = Team(name=uniq("Victims "))
        victim = User(email=f"{uniq()}@staff.example", name="Victim", role=Role.agent)
        session.add_all([victims, victim])
        session.flush()
        d.ids["victims"], d.ids["victim"] = victims.id, victim.id
        data = MacroCreate.model_validate({"name": uniq("M "), "actions": {"add_tags": ["m"]}})
        d.ids["macro"] = kb.create_macro(session, data=data, actor=Actor.system()).id

    live.seed(setup)
    for rows in PLUGINS:
        if rows.prepare is not None:
            rows.prepare(d)


# Outcomes -------------------------------------------------------------------------------


def flash_kind(response: httpx.Response) -> str | None:
    raw = response.cookies.get("csops_flash")
    if not raw:
        return None
    try:
        value = json.loads(unquote(raw))
    except ValueError:
        return "ok"  # a flash code of csops.web.ui.auth: those are all successes
    return str(value[0]) if isinstance(value, list) and value else None


def outcome(response: httpx.Response) -> str:
    """The status, or "ERR" for a 303 back with an error flash, "303" for any other 303."""
    if response.status_code == 303 and flash_kind(response) == "error":
        return "ERR"
    return str(response.status_code)


def assert_handled(response: httpx.Response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    assert response.status_code in (200, 303) or 400 <= response.status_code < 500, what


# Every form, every field ------------------------------------------------------------------


def test_every_form_has_a_base() -> None:
    missing = sorted({f.path for f in FORMS} - set(BASE))
    stale = sorted(set(BASE) - {f.path for f in FORMS})
    assert not missing, f"forms without a valid minimal form in BASE: {missing}"
    assert not stale, f"BASE rows for forms that no longer exist: {stale}"


@pytest.mark.parametrize("form", FORMS, ids=[f.path for f in FORMS])
def test_garbage_in_any_field_is_never_a_500(desk: Desk, form: Form) -> None:
    role, base = BASE[form.path]
    client, csrf = desk.browser(role)
    for name in form.fields:
        if name == "csrf_token":
            continue
        for value in (*FIELD_GARBAGE.get(name, GARBAGE), None):
            data = {"csrf_token": csrf, **base(desk)}
            if value is None:
                data.pop(name, None)
            else:
                data[name] = [value] if isinstance(data.get(name), list) else value
            response = client.post(desk.path(form.path), data=data)
            assert_handled(response, f"{form.path} {name}={value!r}")


@pytest.mark.parametrize("form", FORMS, ids=[f.path for f in FORMS])
def test_missing_or_wrong_csrf_is_403_and_writes_nothing(desk: Desk, form: Form) -> None:
    role, base = BASE[form.path]
    for token in (None, "forged-" + secrets.token_urlsafe(16)):
        client, _csrf = desk.browser(role)
        path, data = desk.path(form.path), base(desk)
        data |= {} if token is None else {"csrf_token": token}
        before = desk.counts()
        response = client.post(path, data=data)
        assert response.status_code == 403, (form.path, token, response.text[:300])
        assert response.headers["content-type"].startswith("text/html")
        assert desk.counts() == before


@pytest.mark.parametrize("form", FORMS, ids=[f.path for f in FORMS])
def test_invalid_utf8_and_oversize_bodies_are_4xx(desk: Desk, form: Form) -> None:
    client, csrf = desk.browser(BASE[form.path][0])
    urlencoded = {"Content-Type": "application/x-www-form-urlencoded"}
    name = next((f for f in form.fields if f != "csrf_token"), "x")
    path = desk.path(form.path)
    before = desk.counts()
    raw = f"csrf_token={csrf}&{name}=".encode() + b"caf\xe9\xff"
    response = client.post(path, content=raw, headers=urlencoded)
    assert response.status_code == 400 and "UTF-8" in response.text
    big = f"csrf_token={csrf}&{name}=".encode() + b"x" * get_settings().max_request_bytes
    response = client.post(path, content=big, headers=urlencoded)
    assert response.status_code == 413
    assert desk.counts() == before
    # Percent-encoded, the same bytes pass the guard: the form parser must cope.
    quoted = f"csrf_token={csrf}&{name}=caf%E9%FF%00".encode()
    response = client.post(desk.path(form.path), content=quoted, headers=urlencoded)
    assert_handled(response, f"{form.path} percent-encoded invalid UTF-8")
    if form.files:
        response = client.post(
            desk.path(form.path),
            data={"csrf_token": csrf},
            files={name: (None, b"caf\xe9\xff"), "files": ("caf\xe9.bin", b"\xff\x00")},
        )
        assert_handled(response, f"{form.path} multipart invalid UTF-8")


# Precise answers to bad forms, and nothing written ----------------------------------------


@dataclass(frozen=True)
class Case:
    path: str  # a template for Desk.path (a fresh ticket for {ticket_id}), or a literal path
    form: Callable[[Desk], dict[str, Any]]
    expect: str  # outcome(): a status, or "ERR" for a 303 back with an error flash
    role: str = ADMIN
    files: tuple[tuple[str, bytes], ...] = ()


def props(**fields: str) -> Callable[[Desk], dict[str, Any]]:
    """A properties form of the current ticket with its version, team and some changes."""
    return lambda d: {
        "version": str(d.version(d.current)),
        "team_id": str(d.ids["team"]),
        **fields,
    }


def bulk(ids: Callable[[Desk], list[str]], **fields: str) -> Callable[[Desk], dict[str, Any]]:
    return lambda d: {"ids": ids(d), "action": "priority", "priority": "high", **fields}


def one(d: Desk) -> list[str]:
    d.current = d.fresh_ticket()
    return [str(d.current)]


def text(**fields: Any) -> Callable[[Desk], dict[str, Any]]:
    return lambda d: dict(fields)


SIX_FILES = tuple((f"f{i}.txt", b"hello") for i in range(6))
BIG_FILE = (("big.bin", b"x" * (get_settings().max_attachment_bytes + 1)),)
NEW = {"subject": "Help", "description": "Please"}
CASES = [
    Case(T + "/messages", text(body=""), "ERR"),
    Case(T + "/messages", text(body="x" * 100_001), "ERR"),
    Case(T + "/messages", text(body="Hi", kind="bogus"), "ERR"),
    Case(T + "/messages", text(body="Hi", status="bogus"), "ERR"),
    Case(T + "/messages", text(body=NUL), "422"),
    Case(T + "/messages", text(body="Six"), "ERR", files=SIX_FILES),
    Case(T + "/messages", text(body="Big"), "ERR", files=BIG_FILE),
    Case(T + "/properties", props(priority="asap"), "ERR"),
    Case(T + "/properties", props(status="bogus"), "ERR"),
    Case(T + "/properties", props(type="rant"), "ERR"),
    Case(T + "/properties", props(version="abc", priority="high"), "ERR"),
    Case(T + "/properties", lambda d: {"version": "0", "priority": "high"}, "ERR"),
    Case(T + "/properties", props(assignee_id="abc"), "ERR"),
    Case(T + "/properties", props(assignee_id=MISSING), "ERR"),
    Case(T + "/properties", props(assignee_id=HUGE), "422"),
    Case(T + "/properties", props(team_id="-1"), "ERR"),
    Case(T + "/properties", props(team_id=MISSING), "ERR"),
    Case(T + "/properties", props(service="abc"), "ERR"),
    Case(T + "/properties", props(service=MISSING), "ERR"),
    Case(T + "/properties", props(tags="no spaces allowed"), "ERR"),
    Case(T + "/properties", props(tags=LONG), "ERR"),
    Case(T + "/properties", props(tags=NUL), "422"),
    Case(T + "/merge", text(target_id="abc"), "ERR"),
    Case(T + "/merge", text(target_id="-1"), "ERR"),
    Case(T + "/merge", text(target_id=MISSING), "ERR"),
    Case(T + "/merge", text(target_id=HUGE), "422"),
    Case(T + "/merge", lambda d: {"target_id": str(d.current)}, "ERR"),
    Case(T + "/macro", text(macro_id="abc"), "ERR"),
    Case(T + "/macro", text(macro_id=MISSING), "ERR"),
    Case(T + "/macro", text(macro_id=HUGE), "422"),
    Case("/inbox/bulk", bulk(lambda d: []), "ERR"),
    Case("/inbox/bulk", bulk(lambda d: ["abc"]), "ERR"),
    Case("/inbox/bulk", bulk(lambda d: [*one(d), MISSING]), "ERR"),  # all or nothing
    Case("/inbox/bulk", bulk(lambda d: [str(n) for n in range(1, 202)]), "ERR"),
    Case("/inbox/bulk", bulk(one, action="bogus"), "ERR"),
    Case("/inbox/bulk", bulk(one, priority="asap"), "ERR"),
    Case("/inbox/bulk", bulk(one, action="status", status="bogus"), "ERR"),
    Case("/inbox/bulk", bulk(one, action="assign", assignee="abc"), "ERR"),
    Case("/inbox/bulk", bulk(one, action="assign", assignee=MISSING), "ERR"),
    Case("/inbox/bulk", bulk(one, action="add_tag", tag="bad tag!"), "ERR"),
    Case("/inbox/bulk", bulk(one, action="merge", target="abc"), "ERR"),
    Case("/inbox/bulk", bulk(one, action="merge", target=MISSING), "ERR"),
    Case("/account", text(name="Ann", timezone="Mars/Olympus"), "422"),
    Case("/account", text(name="Ann", locale="xx"), "422"),
    Case("/account", text(name=""), "422"),
    Case("/account", text(name=LONG), "422"),
    Case("/account/password", text(current=PASSWORD, new="one password", confirm="two"), "422"),
    Case("/account/password", text(current=PASSWORD, new="x" * 1001, confirm="x" * 1001), "422"),
    Case(
        "/account/password", text(current="wrong password", new="a" * 12, confirm="a" * 12), "422"
    ),
    Case("/account/password", text(current=PASSWORD, new="short", confirm="short"), "422"),
    Case("/admin/users", text(email="u@x.example", name="U", role="god"), "422"),
    Case("/admin/users", text(email="abc", name="U"), "422"),
    Case("/admin/users", text(email="u@x.example", name=""), "422"),
    Case("/admin/users", text(email="u@x.example", name="U", password="short"), "422"),
    Case("/admin/users", text(email="u@x.example", name="U", team_ids=[MISSING]), "422"),
    Case("/admin/users", lambda d: {"email": d.emails[ADMIN], "name": "Dup"}, "409"),
    Case("/admin/users/{user_id}", text(name="V", role="god"), "422"),
    Case("/admin/users/{user_id}", text(name="V", role="agent", team_ids=[MISSING]), "422"),
    Case("/admin/users/{user_id}", text(name="V", role="agent", password="short"), "422"),
    Case("/admin/teams", text(name=""), "422"),
    Case("/admin/teams", text(name=LONG), "422"),
    Case("/admin/teams/{team_id}", text(name=""), "422"),
    Case("/admin/services", text(name=""), "422"),
    Case("/admin/services", text(name="S", slug="Bad Slug!"), "422"),
    Case("/admin/services", text(name="S", owning_team_id=MISSING), "422"),
    Case("/admin/organizations", text(name="O", tier="platinum"), "422"),
    Case("/admin/organizations", text(name=""), "422"),
    Case("/admin/organizations", text(name="O", domain="x" * 300), "422"),
    Case("/admin/tokens", text(name="", scopes=["tickets:read"]), "422"),
    Case("/admin/tokens", text(name="t", scopes=["root"]), "422"),
    Case("/portal/new", text(subject="", description="d"), "422", CUST),
    Case("/portal/new", text(subject=LONG, description="d"), "422", CUST),
    Case("/portal/new", text(subject="s", description=""), "422", CUST),
    Case("/portal/new", text(subject=NUL, description="d"), "422", CUST),
    Case("/portal/new", text(**NEW), "422", CUST, files=SIX_FILES),
    Case("/portal/new", text(**NEW), "422", CUST, files=BIG_FILE),
    Case(R + "/reply", text(body=""), "422", CUST),
    Case(R + "/reply", text(body=NUL), "422", CUST),
    Case(R + "/reply", text(body="Six"), "422", CUST, files=SIX_FILES),
    Case("/login", text(email="x" * 10_000, password="p"), "401", ANON),
    Case("/portal/login", text(email=NUL, password="p"), "422", ANON),
]


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c.path} {c.expect} {i}" for i, c in enumerate(CASES)]
)
def test_bad_forms_are_refused_and_write_nothing(desk: Desk, case: Case) -> None:
    desk.current = 0
    client, csrf = desk.browser(case.role)
    path = desk.path(case.path)
    data = {"csrf_token": csrf, **case.form(desk)}
    files = [("files", (name, content)) for name, content in case.files] or None
    before = desk.counts()
    response = client.post(path, data=data, files=files)
    assert outcome(response) == case.expect, response.text[:500]
    assert desk.counts() == before
    if case.expect != "ERR":
        assert response.headers["content-type"].startswith("text/html")


# Bad ids in paths, bad queries ------------------------------------------------------------


PATH_GARBAGE = ("abc", "-1", "0", HUGE, MISSING)
WITH_IDS = sorted(
    (method, str(ctx.path))
    for ctx in ROUTES
    if "{" in str(ctx.path) and not str(ctx.path).startswith(("/api/", "/static"))
    for method in ctx.methods or ()
    if method in ("GET", "POST")
)


@pytest.mark.parametrize("route", WITH_IDS, ids=[f"{m} {p}" for m, p in WITH_IDS])
def test_bad_ids_in_paths_are_4xx(desk: Desk, route: tuple[str, str]) -> None:
    method, template = route
    role = CUST if template.startswith("/portal/requests") else ADMIN
    client, csrf = desk.browser(role)
    before = desk.counts()
    for value in PATH_GARBAGE:
        path = re.sub(r"\{[a-z_]+\}", value, template)
        data = {"csrf_token": csrf} if method == "POST" else None
        with client.stream(method, path, data=data) as response:
            assert 400 <= response.status_code < 500, (path, response.status_code)
    assert desk.counts() == before


QUERY_GARBAGE = (*GARBAGE, "%", "-id")
QUERIES = {
    "/inbox": ("view", "status", "priority", "channel", "tag", "assignee", "team", "service")
    + ("q", "sort", "cursor", "limit"),
    "/portal": ("scope", "cursor"),
    "/login": ("next",),
    "/portal/login": ("next",),
    "/live/tickets": ("after", "view", "sort", "status", "team", "q"),
}


@pytest.mark.parametrize("path", list(QUERIES))
def test_garbage_in_queries_is_never_a_500(desk: Desk, path: str) -> None:
    client, _csrf = desk.browser(CUST if path == "/portal" else ADMIN)
    for name in QUERIES[path]:
        for value in QUERY_GARBAGE:
            with client.stream("GET", path, params={name: value}) as response:
                assert_handled(response, f"{path}?{name}={value!r}")


# Escaping on the way out ------------------------------------------------------------------


SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def assert_safe(html: str, where: str, shows_subject: bool = True) -> None:
    assert SCRIPT not in html and "<script>alert" not in html, where
    assert not re.search(r"<img[^>]*onerror", html, re.IGNORECASE), where
    if shows_subject:
        assert ESCAPED in html, f"{where}: the payload should be shown, escaped"


def read_events(response: httpx.Response, needle: str, limit: int = 200) -> str:
    """The stream up to the end of the first event holding `needle` (bounded in lines)."""
    seen: list[str] = []
    found = False
    for line in response.iter_lines():
        seen.append(line)
        found = found or needle in line
        if (found and not line) or len(seen) >= limit:
            break
    return "\n".join(seen)


def test_script_and_html_payloads_are_escaped_everywhere(desk: Desk) -> None:
    def make_customer(session: Session) -> int:
        customer = Customer(email=f"{uniq('xss')}@customer.example", name=SCRIPT)
        session.add(customer)
        session.flush()
        return customer.id

    desk.principals["xss"] = (PrincipalKind.customer, desk.live.seed(make_customer))
    admin, admin_csrf = desk.browser(ADMIN)
    with admin.stream("GET", "/live/tickets?view=open") as inbox_stream:
        customer, csrf = desk.browser("xss")
        created = customer.post(
            "/portal/new", data={"csrf_token": csrf, "subject": SCRIPT, "description": IMG}
        )
        assert created.status_code == 303, created.text[:300]
        assert_safe(read_events(inbox_stream, "ticket-created"), "live inbox row")
    request_url = created.headers["location"]
    ticket_id = int(request_url.rsplit("/", 1)[1])
    reply = customer.post(f"{request_url}/reply", data={"csrf_token": csrf, "body": IMG})
    assert reply.status_code == 303
    with customer.stream("GET", f"/live/tickets/{ticket_id}") as ticket_stream:
        staff = admin.post(
            f"/tickets/{ticket_id}/messages",
            data={"csrf_token": admin_csrf, "body": f"{IMG} {SCRIPT}", "kind": "public"},
        )
        assert staff.status_code == 303
        assert_safe(read_events(ticket_stream, "event: message"), "live message", False)
    org = admin.post(
        "/admin/organizations", data={"csrf_token": admin_csrf, "name": SCRIPT + uniq()}
    )
    assert org.status_code == 303
    for url in ("/inbox", f"/tickets/{ticket_id}", "/admin/organizations"):
        assert_safe(admin.get(url).text, url)
    for url in ("/portal", request_url):
        assert_safe(customer.get(url).text, url)
    assert "onerror" in admin.get(f"/tickets/{ticket_id}").text  # shown as text, not markup
