"""API test helpers: one real server per backend per module (fast), plus per-test helpers.

`server` is a real uvicorn server on its own database, shared by a module's tests (so each
test makes its own people and tickets with unique names): one server per backend per
module instead of one per test keeps the whole API suite fast. Tests that need a database
of their own can take `live` from tests/web/conftest.py instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.config import get_settings
from csops.domains.accounts import auth
from csops.domains.accounts.models import (
    Customer,
    Organization,
    PrincipalKind,
    Role,
    Team,
    User,
)
from csops.domains.accounts.schemas import SCOPES
from csops.web.app import create_app
from tests.conftest import BACKENDS, TemplateDatabases, new_engine
from tests.web.conftest import LiveServer, _serve

PROBLEM = "application/problem+json"


def uniq(prefix: str = "x") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= body.keys()
    return body


class Desk(LiveServer):
    """A live server with shortcuts for the people and tickets of a test."""

    def staff(
        self, role: Role = Role.agent, teams: tuple[str, ...] = (), scopes: tuple[str, ...] = ()
    ) -> tuple[int, httpx.Client]:
        email = f"{uniq(role.value)}@staff.example"
        user_id = self.seed(lambda session: _make_user(session, email, role, teams))
        # Every scope a token can carry ("admin" only for admins).
        everything = tuple(s for s in SCOPES if s != "admin" or role == Role.admin)
        token = self.token(email, scopes or everything)
        return user_id, self.client(headers={"Authorization": f"Bearer {token}"})

    def portal(self, customer_id: int, *, csrf: bool = True) -> httpx.Client:
        """A customer's browser session (cookie), sending the CSRF header on writes."""

        def start(session: Session) -> auth.NewSession:
            return auth.start_session(
                session, kind=PrincipalKind.customer, principal_id=customer_id, hours=1
            )

        new = self.seed(start)
        headers = {"X-CSRF-Token": new.csrf_token} if csrf else {}
        client = self.client(headers=headers)
        client.cookies.set("csops_session", new.cookie_value)
        return client

    def new_customer(self, org: str | None = None, org_admin: bool = False) -> tuple[int, str]:
        email = f"{uniq('cust')}@customer.example"
        return self.seed(lambda session: _make_customer(session, email, org, org_admin)), email


def _make_user(session: Session, email: str, role: Role, team_names: tuple[str, ...]) -> int:
    """A user without a password (API tokens only): no slow password hashing."""
    teams = [
        session.scalar(select(Team).where(Team.name == name)) or Team(name=name)
        for name in team_names
    ]
    user = User(email=email, name=email.split("@")[0].title(), role=role, teams=teams)
    session.add(user)
    session.flush()
    return user.id


def _make_customer(session: Session, email: str, org: str | None, org_admin: bool) -> int:
    org_row = None
    if org:
        org_row = session.scalar(select(Organization).where(Organization.name == org))
        org_row = org_row or Organization(name=org, domain=None)
    customer = Customer(
        email=email, name=email.split("@")[0].title(), organization=org_row, is_org_admin=org_admin
    )
    session.add(customer)
    session.flush()
    return customer.id


def open_ticket(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {
        "subject": fields.pop("subject", "Printer on fire"),
        "description": fields.pop("description", "It is on fire, please help."),
        **fields,
    }
    if "requester" not in body:
        body["requester"] = {"email": f"{uniq('req')}@customer.example", "name": "Req"}
    response = client.post("/api/v1/tickets", json=body)
    assert response.status_code == 201, response.text[:500]
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, templates: TemplateDatabases) -> Iterator[Desk]:
    engine = new_engine(templates, request.param)
    app = create_app(get_settings(), engine)
    uvicorn_server, thread, port = _serve(app)
    yield Desk(url=f"http://127.0.0.1:{port}", engine=engine)
    uvicorn_server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()
