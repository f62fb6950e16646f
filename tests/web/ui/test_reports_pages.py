"""Report archive, generated report pages, subscriptions and the forecast page through a
real server."""

from __future__ import annotations

import re
from datetime import timedelta

from csops import clock
from csops.domains.accounts.models import Role
from csops.engine import forecast
from tests.factories.tickets import make_ticket
from tests.web.conftest import LiveServer
from tests.web.ui.conftest import signed_in


def test_a_manager_generates_and_browses_a_report(live: LiveServer) -> None:
    live.user("boss@example.com", role=Role.manager)
    live.user("agent@example.com", role=Role.agent)
    boss = signed_in(live, "boss@example.com")
    made = boss.post("/reports/generate", {"kind": "weekly", "period": "2026-W46"})
    assert made.status_code == 303
    path = made.headers["location"]
    assert re.fullmatch(r"/reports/\d+", path)
    page = boss.get(path)
    assert page.status_code == 200
    assert "Weekly perception report 2026-W46" in page.text
    assert page.text.count("data:image/png;base64,") == 4
    archive = boss.get("/reports")
    assert f'href="{path}"' in archive.text and 'action="/reports/generate"' in archive.text
    agent = signed_in(live, "agent@example.com")
    assert 'action="/reports/generate"' not in agent.get("/reports").text
    assert agent.get(path).status_code == 200
    bad = boss.post("/reports/generate", {"kind": "weekly", "period": "2026-W99"})
    assert bad.status_code == 303 and bad.headers["location"] == "/reports"
    assert boss.get("/reports/999999").status_code == 404


def test_subscribe_and_unsubscribe(live: LiveServer) -> None:
    live.user("agent@example.com", role=Role.agent)
    agent = signed_in(live, "agent@example.com")
    assert agent.post("/reports/subscriptions", {"kind": "daily"}).status_code == 303
    listed = agent.get("/reports").text
    sub = re.search(r'action="/reports/subscriptions/(\d+)/delete"', listed)
    assert sub
    refused = agent.post("/reports/subscriptions", {"kind": "daily", "email": "x@y.example"})
    assert refused.status_code == 303  # agents may not add other addresses: flash error
    assert agent.post(f"/reports/subscriptions/{sub.group(1)}/delete").status_code == 303
    assert "/reports/subscriptions/" not in agent.get("/reports").text.split("Subscribe")[0]


def test_forecast_page_has_history_forecast_and_staffing(live: LiveServer) -> None:
    live.user("agent@example.com", role=Role.agent)
    start = clock.now() - timedelta(days=28)

    def seed(session):  # type: ignore[no-untyped-def]
        for day in range(28):
            for _ in range(1 + day % 7 // 3):
                with clock.frozen(start + timedelta(days=day, hours=1)):
                    make_ticket(session)

    live.seed(seed)
    forecast.forecast([float(n % 7) for n in range(30)], 7)  # imports statsmodels (slow) now
    agent = signed_in(live, "agent@example.com")
    page = agent.get("/reports/forecast?horizon=7&handle_minutes=30&hours_per_agent=6")
    assert page.status_code == 200
    assert 'id="chart-forecast" data-chart=' in page.text
    assert "Upper bound" in page.text
    rows = re.findall(r"<tr><td>\d{4}-\d{2}-\d{2}</td>", page.text)
    assert len(rows) == 7
    assert agent.get("/reports/forecast?horizon=5").status_code in (400, 422)
    assert agent.get("/reports/forecast?occupancy=2").status_code == 422
