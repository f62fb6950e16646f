"""Helpers for the HTML UI tests: signed-in browser-like clients without the login form.

`signed_in(live, email)` opens a login session directly (as /login would) and returns an
httpx client carrying the session cookie, plus the session's CSRF token for form posts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts import auth
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Customer, PrincipalKind, Team, User
from csops.domains.tickets import thread
from csops.domains.tickets.models import Ticket
from csops.domains.tickets.schemas import MessageCreate
from tests.factories.tickets import make_ticket
from tests.web.conftest import LiveServer


@dataclass
class Browser:
    client: httpx.Client
    csrf: str
    principal_id: int

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        """A form post carrying the CSRF token, as the page's forms do."""
        return self.client.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def close(self) -> None:
        self.client.close()


def signed_in(live: LiveServer, email: str, *, customer: bool = False) -> Browser:
    def start(session: Session) -> tuple[int, str, str]:
        model: type[User] | type[Customer] = Customer if customer else User
        principal_id = session.scalar(select(model.id).where(model.email == email))
        assert principal_id is not None, email
        new = auth.start_session(
            session,
            kind=PrincipalKind.customer if customer else PrincipalKind.user,
            principal_id=principal_id,
            hours=1,
        )
        return principal_id, new.cookie_value, new.csrf_token

    principal_id, cookie, csrf = live.seed(start)
    client = live.client(cookies={"csops_session": cookie}, follow_redirects=False)
    return Browser(client=client, csrf=csrf, principal_id=principal_id)


def ticket(live: LiveServer, **fields: Any) -> int:
    """A ticket created through the service (as the system); returns its id."""

    def make(session: Session) -> int:
        return make_ticket(session, actor=Actor.system(), **fields).id

    return int(live.seed(make))


def post_as(live: LiveServer, ticket_id: int, email: str, body: str, *, public: bool) -> None:
    """A reply (public) or an internal note by the staff user with this email."""

    def add(session: Session) -> None:
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None
        thread.add_message(
            session,
            ticket_id=ticket_id,
            data=MessageCreate(body=body, public=public),
            actor=Actor.for_user(user),
        )

    live.seed(add)


def team_id(live: LiveServer, name: str) -> int:
    return int(live.seed(lambda s: s.scalar(select(Team.id).where(Team.name == name))))


def load(live: LiveServer, ticket_id: int) -> Ticket:
    def get(session: Session) -> Ticket:
        row = session.get(Ticket, ticket_id)
        assert row is not None
        session.expunge(row)
        return row

    result: Ticket = live.seed(get)
    return result


def flash_text(html: str) -> str:
    found = re.findall(r'<div class="flash [a-z]+" role="status">(.*?)</div>', html, re.S)
    return " ".join(found)


def row_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="ticket-(\d+)"', html)]
