"""The KPI dashboard and public shared KPI pages through a real server."""

from __future__ import annotations

import re
from urllib.parse import unquote

from csops.domains.accounts.models import Role
from tests.factories.tickets import make_ticket
from tests.web.conftest import LiveServer
from tests.web.ui.conftest import signed_in


def test_dashboard_shows_kpis_and_charts_with_filters(live: LiveServer) -> None:
    live.user("agent@example.com", role=Role.agent)
    live.seed(lambda s: [make_ticket(s, subject=f"Broken {n}", channel="email") for n in range(3)])
    agent = signed_in(live, "agent@example.com")
    page = agent.get("/kpis")
    assert page.status_code == 200
    assert re.search(r'id="kpi-volume">\s*3\s*<', page.text)
    for chart in ("chart-volume", "chart-channel", "chart-backlog"):
        assert f'id="{chart}" data-chart=' in page.text
    assert re.search(r'id="kpi-volume">\s*0\s*<', agent.get("/kpis?channel=chat").text)
    assert agent.get("/kpis?days=12").status_code == 422
    assert agent.get("/kpis?team_id=abc").status_code == 422
    assert 'action="/kpis/shares"' not in page.text  # agents do not share


def test_a_shared_page_is_public_hides_organizations_and_can_be_revoked(live: LiveServer) -> None:
    live.user("boss@example.com", role=Role.manager)
    live.seed(lambda s: make_ticket(s, requester={"email": "ann@acme.example", "name": "Ann"}))
    boss = signed_in(live, "boss@example.com")
    shared = boss.post("/kpis/shares", {"title": "Support for everyone", "days": "30"})
    assert shared.status_code == 303
    flash = unquote(shared.cookies["csops_flash"])
    url = re.search(r"(/kpis/public/[A-Za-z0-9_-]+)", flash)
    assert url, flash
    anonymous = live.client(follow_redirects=False)
    public = anonymous.get(url.group(1))
    assert public.status_code == 200
    assert "Support for everyone" in public.text and "By organization" not in public.text
    assert "ann@acme.example" not in public.text and "Log out" not in public.text
    share_id = re.search(r'action="/kpis/shares/(\d+)/revoke"', boss.get("/kpis").text)
    assert share_id
    assert boss.post(f"/kpis/shares/{share_id.group(1)}/revoke").status_code == 303
    assert anonymous.get(url.group(1)).status_code == 404
    assert anonymous.get("/kpis/public/not-a-token").status_code == 404
