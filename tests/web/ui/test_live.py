"""Live updates over SSE through a real server: new tickets in an open inbox, new messages on
an open ticket, and never an internal note to a customer."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx

from csops.domains.accounts import auth
from csops.domains.accounts.models import Role
from csops.web.ui import live as live_ui
from tests.web.conftest import LiveServer
from tests.web.ui.conftest import load, post_as, signed_in, team_id, ticket

TIMEOUT = 10.0


def read_until(
    stream: httpx.Response | Iterator[str], needle: str, timeout: float = TIMEOUT
) -> str:
    """The stream's text up to and including the first line holding `needle` (bounded)."""
    lines = stream.iter_lines() if isinstance(stream, httpx.Response) else stream
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    for line in lines:
        seen.append(line)
        if needle in line:
            return "\n".join(seen)
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"{needle!r} did not arrive in {timeout} s; got {seen[-20:]}")


def test_a_new_ticket_appears_in_an_open_inbox(live: LiveServer) -> None:
    live.user("bea@csops.example", team_names=("Billing",))
    live.user("nick@csops.example", team_names=("Network",))
    billing, network = team_id(live, "Billing"), team_id(live, "Network")
    bea = signed_in(live, "bea@csops.example")
    client = bea.client
    with client.stream("GET", "/live/tickets?view=open", timeout=TIMEOUT) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        ticket(live, subject="Router melted", team_id=network)  # another team's: not shown
        created = ticket(live, subject="Invoice doubled", team_id=billing)
        text = read_until(response, "Invoice doubled")
    assert "event: ticket-created" in text
    assert f'<tr id="ticket-{created}"' in text
    assert "Router melted" not in text


def test_the_inbox_stream_follows_the_list_filters(live: LiveServer) -> None:
    live.user("ann@csops.example", role=Role.admin)
    ann = signed_in(live, "ann@csops.example")
    with ann.client.stream("GET", "/live/tickets?view=urgent", timeout=TIMEOUT) as response:
        ticket(live, subject="Only normal")
        ticket(live, subject="Everything down", priority="urgent")
        text = read_until(response, "Everything down")
    assert "Only normal" not in text

    with ann.client.stream("GET", "/live/tickets?q=kerberos", timeout=TIMEOUT) as response:
        ticket(live, subject="Printer jam")
        ticket(live, subject="Login fails", description="kerberos ticket expired")
        text = read_until(response, "Login fails")
    assert "Printer jam" not in text


def test_changes_refresh_rows_and_reach_an_open_ticket(live: LiveServer) -> None:
    live.user("ann@csops.example", role=Role.admin)
    ticket_id = ticket(live, subject="Slow dashboard")
    ann = signed_in(live, "ann@csops.example")
    with ann.client.stream("GET", f"/live/tickets/{ticket_id}", timeout=TIMEOUT) as response:
        lines = response.iter_lines()
        post_as(live, ticket_id, "ann@csops.example", "Internal: check the cache", public=False)
        text = read_until(lines, "check the cache")
        assert "event: message" in text and 'class="msg internal' in text
        version = str(load(live, ticket_id).version)
        form = {"version": version, "priority": "high", "tags": "", "assignee_id": ""}
        ann.post(f"/tickets/{ticket_id}/properties", form | {"team_id": "", "service": ""})
        assert "event: ticket-changed" in read_until(lines, "Reload to see the changes")

    with ann.client.stream("GET", "/live/tickets", timeout=TIMEOUT) as response:
        ann.post(f"/tickets/{ticket_id}/messages", {"body": "On it", "status": "pending"})
        lines = response.iter_lines()
        text = read_until(lines, f"event: ticket-{ticket_id}")
        text += read_until(lines, "status-pending")
    assert "status-pending" in text


def test_a_customer_stream_never_carries_an_internal_note(live: LiveServer) -> None:
    live.user("ann@csops.example", role=Role.admin)
    live.customer("cora@mail.example")
    live.customer("eve@mail.example")
    ticket_id = ticket(
        live, subject="Where is my refund", requester={"email": "cora@mail.example", "name": "C"}
    )
    cora = signed_in(live, "cora@mail.example", customer=True)
    with cora.client.stream("GET", f"/live/tickets/{ticket_id}", timeout=TIMEOUT) as response:
        assert response.status_code == 200
        post_as(live, ticket_id, "ann@csops.example", "SECRET-NOTE fraud check", public=False)
        post_as(live, ticket_id, "ann@csops.example", "Your refund is on its way", public=True)
        text = read_until(response, "Your refund is on its way")
    assert "SECRET-NOTE" not in text and "internal" not in text

    # a reconnect replaying everything from the start filters the same way
    with cora.client.stream(
        "GET", f"/live/tickets/{ticket_id}", headers={"last-event-id": "0"}, timeout=TIMEOUT
    ) as response:
        text = read_until(response, "Your refund is on its way")
    assert "SECRET-NOTE" not in text

    eve = signed_in(live, "eve@mail.example", customer=True)
    assert eve.get(f"/live/tickets/{ticket_id}").status_code == 404
    assert eve.get("/live/tickets").status_code == 404
    assert live.client().get("/live/tickets").status_code == 401


def test_a_stream_ends_when_its_session_ends(live: LiveServer, monkeypatch: Any) -> None:
    monkeypatch.setattr(live_ui, "SESSION_CHECK_POLLS", 1)
    live.user("ann@csops.example", role=Role.admin)
    ann = signed_in(live, "ann@csops.example")
    cookie = ann.client.cookies["csops_session"]
    with ann.client.stream("GET", "/live/tickets", timeout=TIMEOUT) as response:
        assert response.status_code == 200
        live.seed(lambda session: auth.end_session(session, cookie_value=cookie))
        started = time.monotonic()
        for _line in response.iter_lines():  # runs out once the server ends the stream
            assert time.monotonic() - started < TIMEOUT
        assert time.monotonic() - started < TIMEOUT
    assert ann.get("/live/tickets").status_code == 401
