"""The chat widget on a third-party page (another origin, one script tag): the visitor
opens the chat and writes; an agent answers on the ticket page; the visitor sees the
answer in the open widget, pushed over SSE (CORS across the two origins)."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from csops.domains.accounts.models import Role
from csops.domains.chat.models import ChatSession
from csops.domains.intake.models import FormSubmission
from tests.web.conftest import PASSWORD, LiveServer

pytestmark = pytest.mark.e2e

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Example shop</title></head>
<body><h1>Example shop</h1><p>Great products.</p>
<script src="{desk}/widget/chat.js" data-title="Chat with us" async></script>
<div id="contact"><script src="{desk}/widget/form.js"></script></div>
</body></html>
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def shop(live: LiveServer, tmp_path: Path) -> Iterator[str]:
    """A third-party site on another origin, embedding the widget with one script tag."""
    (tmp_path / "shop.html").write_text(PAGE.format(desk=live.url))
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/shop.html"
    server.shutdown()
    thread.join(timeout=5)


def test_visitor_chats_and_sees_the_agents_reply(
    live: LiveServer, shop: str, new_page: Any
) -> None:
    live.user("chat-agent@csops.example", role=Role.manager)
    visitor = new_page()
    visitor.goto(shop)
    visitor.locator(".csops-chat-launcher").click()
    visitor.fill(".csops-chat-name", "Noor")
    visitor.fill(".csops-chat-input", "Hello, where is my parcel 5521?")
    visitor.locator(".csops-chat-send").click()
    expect(visitor.locator(".csops-chat-msg.customer")).to_contain_text("parcel 5521")

    ticket_id = live.seed(
        lambda s: s.scalar(select(ChatSession.ticket_id).order_by(ChatSession.id.desc()))
    )
    assert ticket_id is not None
    agent = new_page()
    agent.goto(f"{live.url}/login")
    agent.fill("#email", "chat-agent@csops.example")
    agent.fill("#password", PASSWORD)
    agent.locator("form.auth-form button[type=submit]").click()
    expect(agent).to_have_url(re.compile(r"/inbox"))
    agent.goto(f"{live.url}/tickets/{ticket_id}")
    expect(agent.locator("#thread")).to_contain_text("parcel 5521")
    agent.fill("#body", "Hi Noor, it is out for delivery today.")
    agent.locator("#reply button[type=submit]").first.click()
    expect(agent.locator("#thread")).to_contain_text("out for delivery today")

    expect(visitor.locator(".csops-chat-msg.agent")).to_contain_text(
        "out for delivery today", timeout=15_000
    )
    # The conversation survives a reload: the chat token is kept in localStorage.
    visitor.reload()
    visitor.locator(".csops-chat-launcher").click()
    expect(visitor.locator(".csops-chat-msg.agent")).to_contain_text("out for delivery today")


def test_embedded_web_form_works_in_a_third_party_frame(
    live: LiveServer, shop: str, new_page: Any
) -> None:
    visitor = new_page()
    visitor.goto(shop)
    form = visitor.frame_locator("#contact iframe")
    form.locator("#w-email").fill("framed@visitor.example")
    form.locator("#w-subject").fill("Invoice address wrong")
    form.locator("#w-description").fill("Please change the address on invoice 881.")
    form.locator("button[type=submit]").click()
    expect(form.locator("h1")).to_contain_text("Thank you")
    row = live.seed(
        lambda s: s.scalar(
            select(FormSubmission.ticket_id).where(FormSubmission.email == "framed@visitor.example")
        )
    )
    assert row is not None
