"""A customer submits a request in the portal; an agent sees it arrive in the open inbox
without reloading, replies; the customer sees the reply on the open portal page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from csops.domains.accounts.models import Role
from tests.web.conftest import PASSWORD, LiveServer

pytestmark = pytest.mark.e2e


def _sign_in(page: Any, url: str, email: str) -> None:
    page.goto(url)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("form.auth-form button[type=submit]").click()


def test_portal_request_reaches_agent_and_reply_comes_back(live: LiveServer, new_page: Any) -> None:
    live.user("agent@csops.example", role=Role.agent)
    live.customer("ann@customer.example")

    agent = new_page()
    _sign_in(agent, f"{live.url}/login", "agent@csops.example")
    expect(agent).to_have_url(re.compile(r"/inbox"))
    agent.wait_for_timeout(500)  # the SSE stream is open before the customer writes

    customer = new_page()
    _sign_in(customer, f"{live.url}/portal/login", "ann@customer.example")
    customer.goto(f"{live.url}/portal/new")
    customer.fill("#subject", "Refund never arrived")
    customer.fill("#description", "I returned the order two weeks ago and got no refund yet.")
    customer.locator("form[action='/portal/new'] button[type=submit]").click()
    expect(customer).to_have_url(re.compile(r"/portal/requests/\d+"))
    ticket_id = int(customer.url.rsplit("/", 1)[-1].split("?")[0])

    # The new request appears in the agent's already-open inbox, with no reload.
    row = agent.locator("tbody tr", has_text="Refund never arrived")
    expect(row).to_be_visible(timeout=15_000)

    row.get_by_role("link", name="Refund never arrived").click()
    expect(agent).to_have_url(re.compile(rf"/tickets/{ticket_id}"))
    agent.fill("#body", "Sorry about that: the refund was issued today.")
    agent.locator("#reply button[type=submit]").first.click()
    expect(agent.locator("#thread")).to_contain_text("the refund was issued today")

    # The customer's open page shows the reply, with no reload.
    expect(customer.locator("#thread")).to_contain_text(
        "the refund was issued today", timeout=15_000
    )
