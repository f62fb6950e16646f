"""Incidents in the UI: escalate from a ticket, live status on the ticket, inbox banner and
bulk link, the incident page with masked evidence, the postmortem editor, the status page."""

from __future__ import annotations

import re

from csops.domains.accounts.models import Role
from csops.domains.statuspage import cache
from tests.web.conftest import LiveServer
from tests.web.ui.conftest import flash_text, signed_in, ticket


def test_escalate_bulk_link_update_and_status_page(live: LiveServer) -> None:
    cache.clear()
    live.user("mia@csops.example", role=Role.manager)
    first = ticket(live, subject="Checkout broken for jane.doe@mail.example")
    second = ticket(live, subject="Cannot pay")
    mia = signed_in(live, "mia@csops.example")

    page = mia.get(f"/tickets/{first}")
    assert page.status_code == 200 and "Escalate to engineering" in page.text
    escalated = mia.post(
        "/incidents/escalate",
        {
            "ticket_id": str(first),
            "incident_id": "",
            "title": "Checkout outage",
            "severity": "SEV3",
            "service_id": "",
            "summary": "Many 502s",
        },
    )
    assert escalated.status_code == 303 and escalated.headers["location"] == f"/tickets/{first}"
    panel = mia.get(f"/tickets/{first}").text
    match = re.search(r'href="/incidents/(\d+)">#\d+ Checkout outage', panel)
    assert match is not None
    incident_id = match.group(1)

    inbox = mia.get("/inbox").text
    assert "incident-banner" in inbox and "Checkout outage" in inbox
    assert 'formaction="/incidents/bulk-link"' in inbox
    linked = mia.post(
        "/incidents/bulk-link", {"ids": [str(second)], "incident_id": incident_id, "back": "/inbox"}
    )
    assert linked.status_code == 303
    assert "1 ticket linked" in (flash_text(mia.get("/inbox").text) or "")

    detail = mia.get(f"/incidents/{incident_id}").text
    assert f"/tickets/{second}" in detail and "jane.doe@mail.example" not in detail
    posted = mia.post(
        f"/incidents/{incident_id}/updates",
        {"body": "Rolling back", "public": "1", "status": "identified"},
    )
    assert posted.status_code == 303
    assert "Rolling back" in mia.get(f"/incidents/{incident_id}").text

    status = live.client().get("/status")
    assert status.status_code == 200 and "Checkout outage" in status.text
    assert "Rolling back" in status.text
    badge = live.client().get("/status/badge.svg")
    assert badge.status_code == 307
    assert badge.headers["location"] == "/api/v1/status/badge.svg"

    pm = mia.post(
        f"/incidents/{incident_id}/postmortem",
        {
            "summary": "S",
            "root_cause": "Bad deploy",
            "action_items": "Add canary | Ops | 2030-02-01",
        },
    )
    assert pm.status_code == 303
    editor = mia.get(f"/incidents/{incident_id}/postmortem").text
    assert "Bad deploy" in editor and "Add canary | Ops | 2030-02-01" in editor
    bad = mia.post(f"/incidents/{incident_id}/postmortem", {"action_items": "X | Y | tomorrow"})
    assert bad.status_code == 303 and "YYYY-MM-DD" in (
        flash_text(mia.get(bad.headers["location"]).text) or ""
    )
    cache.clear()


def test_customers_and_signed_out_visitors_cannot_see_incidents(live: LiveServer) -> None:
    assert live.client().get("/incidents").status_code == 303
