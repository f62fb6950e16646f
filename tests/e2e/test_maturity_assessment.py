"""A manager fills a maturity assessment in the browser and sees the radar chart drawn."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from csops.domains.accounts.models import Role
from tests.web.conftest import PASSWORD, LiveServer

pytestmark = pytest.mark.e2e


def test_manager_fills_an_assessment_and_sees_the_radar(live: LiveServer, new_page: Any) -> None:
    live.user("boss@csops.example", role=Role.manager)
    page = new_page()
    page.goto(f"{live.url}/login")
    page.fill("#email", "boss@csops.example")
    page.fill("#password", PASSWORD)
    page.locator("form.auth-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/inbox"))

    page.goto(f"{live.url}/maturity")
    page.fill("#m-title", "Browser review")
    page.get_by_role("button", name="Start assessment").click()
    expect(page).to_have_url(re.compile(r"/maturity/\d+$"))
    for practice in ("ORG-2.1", "ORG-2.2", "ORG-2.3", "ORG-2.4"):
        page.locator(f"input[name='answer:{practice}'][value='in_place']").check()
    page.fill("input[name='note:ORG-2.3']", "primary and backup per service")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Save and complete").click()
    expect(page.locator(".flash")).to_contain_text("Assessment completed")

    radar = page.locator("#maturity-radar")
    expect(radar).to_have_attribute("data-drawn", "1")
    box = radar.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    expect(page.locator(".maturity-profile")).to_contain_text("Organization and assurance")
    expect(page.locator(".maturity-plan")).to_contain_text("ORG-3.1")
