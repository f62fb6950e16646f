"""The embeddable web form through a real server: a ticket at once, hidden (tagged
`unverified`) until the emailed signed link is followed; CSRF by cookie or by the signed
form token (framed pages get no cookie); honeypot and per-email limits; frameable."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from csops.config import get_settings
from csops.domains.intake import webform
from csops.domains.intake.models import FormSubmission
from csops.domains.notifications.models import OutboxItem
from csops.domains.tickets.models import Ticket
from csops.web.app import create_app
from tests.conftest import BACKENDS, TemplateDatabases, new_engine
from tests.web.conftest import LiveServer, _serve


@pytest.fixture(scope="module", params=BACKENDS)
def desk(request: pytest.FixtureRequest, templates: TemplateDatabases) -> Iterator[LiveServer]:
    engine = new_engine(templates, request.param)
    server, thread, port = _serve(create_app(get_settings(), engine))
    yield LiveServer(url=f"http://127.0.0.1:{port}", engine=engine)
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


def form_token(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def fields(email: str | None = None, **extra: str) -> dict[str, str]:
    return {
        "email": email or f"{secrets.token_hex(4)}@visitor.example",
        "name": "Mia",
        "subject": "Cannot log in",
        "description": "The app says my password is wrong.",
        **extra,
    }


def submission(desk: LiveServer, email: str) -> FormSubmission:
    def read(session: Any) -> FormSubmission:
        row = session.scalars(
            select(FormSubmission).where(FormSubmission.email == email).order_by(FormSubmission.id)
        ).first()
        assert row is not None
        session.expunge(row)
        return row

    result: FormSubmission = desk.seed(read)
    return result


def test_request_is_kept_hidden_until_verified(desk: LiveServer) -> None:
    browser = desk.client(follow_redirects=False)
    page = browser.get("/forms/request")
    assert page.status_code == 200
    assert "frame-ancestors *" in page.headers["content-security-policy"]
    data = fields()
    response = browser.post("/forms/request", data={"csrf_token": form_token(page), **data})
    assert response.status_code == 303 and response.headers["location"] == "/forms/request/sent"
    row = submission(desk, data["email"])
    assert row.ticket_id is not None and row.verified_at is None and not row.is_spam
    assert desk.seed(lambda s: s.get_one(Ticket, row.ticket_id).tags) == ["unverified"]
    assert desk.seed(lambda s: webform.is_hidden(s, row.ticket_id)) is True
    outbox = desk.seed(
        lambda s: s.scalars(
            select(OutboxItem.recipient).where(OutboxItem.template == "webform_verify")
        ).all()
    )
    assert data["email"] in outbox
    link = desk.seed(lambda s: webform.verify_link(row.id))
    path = link.split("://", 1)[1].split("/", 1)[1]
    verified = browser.get("/" + path)
    assert verified.status_code == 200
    assert desk.seed(lambda s: s.get_one(Ticket, row.ticket_id).tags) == []
    assert submission(desk, data["email"]).verified_at is not None
    assert browser.get("/" + path).status_code == 200  # a second click is harmless
    assert browser.get("/forms/verify/forged.token.value").status_code == 400


def test_signed_form_token_works_without_the_cookie(desk: LiveServer) -> None:
    token = form_token(desk.client().get("/forms/request"))
    framed = desk.client(follow_redirects=False)  # no csops_csrf cookie, as in a 3rd-party frame
    response = framed.post("/forms/request", data={"csrf_token": token, **fields()})
    assert response.status_code == 303
    forged = framed.post("/forms/request", data={"csrf_token": "forged", **fields()})
    assert forged.status_code == 403


def test_honeypot_is_stored_as_spam_without_ticket_or_email(desk: LiveServer) -> None:
    browser = desk.client(follow_redirects=False)
    token = form_token(browser.get("/forms/request"))
    data = fields(website="http://cheap-pills.example")
    response = browser.post("/forms/request", data={"csrf_token": token, **data})
    assert response.status_code == 303  # looks the same to the bot
    row = submission(desk, data["email"])
    assert row.is_spam and row.ticket_id is None and row.raw["website"]


def test_invalid_form_is_shown_again_and_email_limit_applies(desk: LiveServer) -> None:
    browser = desk.client(follow_redirects=False)
    token = form_token(browser.get("/forms/request"))
    bad = browser.post("/forms/request", data={"csrf_token": token, **fields(email="not-an-email")})
    assert bad.status_code == 422 and "not-an-email" in bad.text
    email = f"{secrets.token_hex(4)}@flood.example"
    codes = [
        browser.post(
            "/forms/request", data={"csrf_token": token, **fields(email=email)}
        ).status_code
        for _ in range(get_settings().webform_email_limit + 1)
    ]
    assert codes[:-1] == [303] * get_settings().webform_email_limit and codes[-1] == 429


def test_embed_script_is_served(desk: LiveServer) -> None:
    script = desk.client().get("/widget/form.js", follow_redirects=True)
    assert script.status_code == 200 and "/forms/request" in script.text
