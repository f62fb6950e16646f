"""A manager opens the KPI dashboard (charts drawn), shares it, and an anonymous browser
opens the public KPI page (charts drawn, no customer data); the forecast chart draws too."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from csops.domains.accounts.models import Role
from csops.engine import forecast
from tests.factories.tickets import make_ticket
from tests.web.conftest import PASSWORD, LiveServer

pytestmark = pytest.mark.e2e


def _drawn(page: Any, selector: str) -> None:
    canvas = page.locator(selector)
    expect(canvas).to_have_attribute("data-drawn", "1")
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100


def test_dashboard_and_public_kpi_page_draw_their_charts(live: LiveServer, new_page: Any) -> None:
    live.user("boss@csops.example", role=Role.manager)
    live.seed(
        lambda s: [
            make_ticket(
                s,
                channel=("email", "web")[n % 2],
                requester={"email": "ann@acme.example", "name": "Ann Acme"},
            )
            for n in range(4)
        ]
    )
    forecast.forecast([float(n % 7) for n in range(30)], 7)  # statsmodels imported now
    page = new_page()
    page.goto(f"{live.url}/login")
    page.fill("#email", "boss@csops.example")
    page.fill("#password", PASSWORD)
    page.locator("form.auth-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/inbox"))

    page.goto(f"{live.url}/kpis")
    expect(page.locator("#kpi-volume")).to_have_text("4")
    for chart in ("#chart-volume", "#chart-channel", "#chart-backlog"):
        _drawn(page, chart)
    expect(page.locator(".kpi-cards")).to_contain_text("SLA attainment")

    page.fill("input[name=title]", "KPIs for every team")
    page.get_by_role("button", name="Share").click()
    flash = page.locator(".flash").inner_text()
    link = re.search(r"(/kpis/public/[A-Za-z0-9_-]+)", flash)
    assert link, flash

    public = new_page()  # a new context: no session cookie
    public.goto(f"{live.url}{link.group(1)}")
    expect(public.locator("h1")).to_contain_text("KPIs for every team")
    for chart in ("#chart-volume", "#chart-channel", "#chart-backlog"):
        _drawn(public, chart)
    content = public.content()
    assert "ann@acme.example" not in content and "Ann Acme" not in content

    page.goto(f"{live.url}/reports/forecast")
    _drawn(page, "#chart-forecast")
