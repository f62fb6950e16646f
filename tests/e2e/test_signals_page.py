"""The signals page in headless Chromium: the problem chart, the sparklines and the change and
alert markers are drawn on one time axis; an agent splits tickets off a problem from the
cluster page; the inbox shows the open suspected incident. Set CSOPS_E2E_SHOTS to a folder
to keep screenshots of the pages."""

from __future__ import annotations

import os
import random
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.models import Role, Service
from csops.domains.signals import service
from csops.domains.signals.models import SuspectedIncident
from csops.domains.signals.schemas import AlertIn, ChangeIn
from tests.integration.signals.seeding import seed_cluster
from tests.web.conftest import PASSWORD, LiveServer

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("CSOPS_E2E_SHOTS", "")

PROBLEMS = {
    "Card payment failed at checkout": (60, 20, 1.0),  # (tickets, spike minutes ago, share)
    "Where is my new card?": (24, None, 0.0),
    "How do I reset my PIN": (14, None, 0.0),
    "Transfer still pending": (9, None, 0.0),
}


def _times(rng: random.Random, n: int, spike: int | None) -> list[Any]:
    at = now()
    if spike is None:
        return sorted(at - timedelta(minutes=rng.uniform(5, 23 * 60)) for _ in range(n))
    quiet = [at - timedelta(minutes=rng.uniform(90, 23 * 60)) for _ in range(n // 5)]
    burst = [at - timedelta(minutes=rng.uniform(1, spike)) for _ in range(n - n // 5)]
    return sorted(quiet + burst)


def _seed(session: Session) -> tuple[int, list[int]]:
    rng = random.Random(7)
    session.add(Service(name="Payments API", slug="payments-api"))
    session.flush()
    made = {}
    for text, (n, spike, _share) in PROBLEMS.items():
        texts = [f"{text} ({i})" for i in range(n)]
        made[text] = seed_cluster(session, texts, label=text, times=_times(rng, n, spike))
    at = now()
    service.record_change(
        session,
        ChangeIn(service="payments", version="v7.3.0", started_at=at - timedelta(minutes=26)),
    )
    service.record_change(
        session, ChangeIn(service="cards", version="v2.1.0", started_at=at - timedelta(hours=15))
    )
    service.record_alert(
        session, AlertIn(name="HighErrorRate", service="payments",
                         starts_at=at - timedelta(minutes=18)), source="alertmanager",
    )  # fmt: skip
    card_id, card_tickets = made["Card payment failed at checkout"]
    session.add(
        SuspectedIncident(
            key="e2e",
            title="Spike: card payments on Payments API",
            score=14.2,
            started_at=at - timedelta(minutes=20),
            cluster_id=card_id,
            evidence={"counts_by_5min": [1, 6, 12, 15, 14], "customers": 41},
            causes=[
                {
                    "ref": "change:1",
                    "kind": "change",
                    "score": 0.91,
                    "title": "payments v7.3.0",
                    "explanation": "deploy payments v7.3.0 six minutes before the spike",
                }
            ],
            ticket_ids=card_tickets[-40:],
        )  # fmt: skip
    )
    return made["How do I reset my PIN"]


def _drawn(page: Any, selector: str, min_height: int = 100) -> None:
    canvas = page.locator(selector).first
    expect(canvas).to_have_attribute("data-drawn", "1")
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] >= min_height


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def test_signals_page_charts_split_and_inbox(live: LiveServer, new_page: Any) -> None:
    live.user("ops@csops.example", role=Role.agent)
    pin_id, pin_tickets = live.seed(_seed)
    page = new_page()
    page.set_viewport_size({"width": 1360, "height": 900})
    page.goto(f"{live.url}/login")
    page.fill("#email", "ops@csops.example")
    page.fill("#password", PASSWORD)
    page.locator("form.auth-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/inbox"))
    expect(page.locator(".signals-banner")).to_contain_text("Spike: card payments")
    expect(page.locator(".signals-banner")).to_contain_text("payments v7.3.0")
    assert page.locator(".signals-badge").count() >= 1
    _shot(page, "inbox.png")

    page.goto(f"{live.url}/signals")
    _drawn(page, "#signals-timeline", 250)
    sparks = page.locator(".signals-clusters canvas[data-chart]")
    expect(sparks).to_have_count(4)
    for i in range(4):
        expect(sparks.nth(i)).to_have_attribute("data-drawn", "1")
    assert page.locator("canvas[data-chart-error]").count() == 0
    # The same time axis: the main chart and every sparkline span the same 24 hours.
    ranges = page.evaluate(
        """() => [...document.querySelectorAll('canvas[data-chart]')]
             .map(c => JSON.parse(c.dataset.chart).options.scales)
             .filter(s => s && s.x && s.x.min).map(s => [s.x.min, s.x.max])"""
    )
    assert len(ranges) == 5 and len({tuple(r) for r in ranges}) == 1
    expect(page.locator(".signals-timeline")).to_contain_text("payments v7.3.0")
    _shot(page, "signals.png")

    page.goto(f"{live.url}/signals/clusters/{pin_id}")
    _drawn(page, "#signals-cluster-chart", 150)
    for ticket_id in pin_tickets[:3]:
        page.check(f"input[name=ticket_ids][value='{ticket_id}']")
    page.fill("input[name=label][placeholder]", "PIN locked after reset")
    page.get_by_role("button", name="Split into a new problem").click()
    expect(page.locator(".flash")).to_contain_text("3 tickets moved to a new problem")
    expect(page.locator("h1")).to_have_text("PIN locked after reset")
    expect(page.locator("main")).to_contain_text(f"Split from #{pin_id}")
    _shot(page, "cluster.png")
