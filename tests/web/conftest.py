"""A real uvicorn server on 127.0.0.1 per test, on its own database (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from csops.config import get_settings
from csops.db import session_scope
from csops.domains.accounts import auth
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Customer, Organization, Role, Team, User
from csops.domains.accounts.schemas import TokenCreate
from csops.domains.accounts.secrets import hash_password
from csops.web.app import create_app

PASSWORD = "correct horse battery"


@dataclass
class LiveServer:
    url: str
    engine: Engine

    def client(self, **kwargs: Any) -> httpx.Client:
        # A hang detector, not a speed check: a loaded 2-core CI machine can be slow.
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)

    def session(self) -> Any:
        return session_scope(self.engine)

    def seed(self, fn: Callable[[Session], Any]) -> Any:
        with session_scope(self.engine) as session:
            return fn(session)

    # People -----------------------------------------------------------------------------

    def user(self, email: str, role: Role = Role.agent, team_names: tuple[str, ...] = ()) -> int:
        def make(session: Session) -> int:
            teams = []
            for name in team_names:
                team = session.query(Team).filter_by(name=name).one_or_none() or Team(name=name)
                session.add(team)
                teams.append(team)
            user = User(
                email=email,
                name=email.split("@")[0].title(),
                role=role,
                password_hash=hash_password(PASSWORD),
            )
            user.teams = teams
            session.add(user)
            session.flush()
            return user.id

        return int(self.seed(make))

    def customer(self, email: str, org: str | None = None, org_admin: bool = False) -> int:
        def make(session: Session) -> int:
            org_id = None
            if org:
                row = session.query(Organization).filter_by(name=org).one_or_none() or Organization(
                    name=org
                )
                session.add(row)
                session.flush()
                org_id = row.id
            customer = Customer(
                email=email,
                name=email.split("@")[0].title(),
                password_hash=hash_password(PASSWORD),
                organization_id=org_id,
                is_org_admin=org_admin,
            )
            session.add(customer)
            session.flush()
            return customer.id

        return int(self.seed(make))

    def token(self, email: str, scopes: tuple[str, ...] = ("tickets:read", "tickets:write")) -> str:
        def make(session: Session) -> str:
            user = session.query(User).filter_by(email=email).one()
            _row, raw = auth.create_token(
                session,
                user=user,
                data=TokenCreate(name="test", scopes=list(scopes)),
                actor=Actor.system(),
            )
            return raw

        return str(self.seed(make))

    def api(
        self, email: str, role: Role = Role.admin, scopes: tuple[str, ...] | None = None
    ) -> httpx.Client:
        """An API client authenticated with a fresh token of a (new) user."""
        self.user(email, role=role)
        default = ("tickets:read", "tickets:write", "accounts:read", "accounts:write")
        token = self.token(email, scopes or (default + (("admin",) if role == Role.admin else ())))
        return self.client(headers={"Authorization": f"Bearer {token}"})

    def login(self, email: str, path: str = "/login") -> httpx.Client:
        """A browser-like client signed in through the real login form."""
        client = self.client(follow_redirects=False)
        page = client.get(path)
        csrf = page.cookies.get("csops_csrf") or ""
        response = client.post(
            path, data={"email": email, "password": PASSWORD, "csrf_token": csrf}
        )
        assert response.status_code in (302, 303), response.text[:500]
        return client


def _serve(app: Any) -> tuple[uvicorn.Server, threading.Thread, int]:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, port


@pytest.fixture
def live(fresh_engine: Engine) -> Iterator[LiveServer]:
    app = create_app(get_settings(), fresh_engine)
    server, thread, port = _serve(app)
    yield LiveServer(url=f"http://127.0.0.1:{port}", engine=fresh_engine)
    server.should_exit = True
    thread.join(timeout=10)
