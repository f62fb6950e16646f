"""The CX pages through a real server: overview with charts, journey edit, run, drift."""

from __future__ import annotations

import json
import random
import re
from html import unescape

from csops.clock import now
from csops.demo import journeys as demo
from csops.domains.accounts.models import Role
from tests.web.conftest import LiveServer

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_cx_pages(live: LiveServer) -> None:
    live.seed(lambda s: demo.load(s, now=now(), rng=random.Random(3)))
    live.user("boss@example.com", role=Role.manager)
    client = live.login("boss@example.com")
    page = client.get("/cx")
    assert page.status_code == 200
    assert "status page is up" in page.text and "staging-like" in page.text
    charts = re.findall(r"data-chart='([^']+)'", page.text)
    assert len(charts) == 6
    spec = json.loads(unescape(charts[0]))
    assert len(spec["data"]["labels"]) == 7 and spec["data"]["datasets"][0]["type"] == "bar"

    link = re.search(r'href="/cx/journeys/(\d+)">status page is up', page.text)
    assert link
    jid = link.group(1)
    detail = client.get(f"/cx/journeys/{jid}")
    assert detail.status_code == 200 and "Recent runs" in detail.text
    token = CSRF.search(detail.text)
    assert token
    bad = client.post(
        f"/cx/journeys/{jid}",
        data={
            "csrf_token": token.group(1),
            "spec_text": "journeys: [{name: other, steps: [{wait: 0}]}]",
        },
    )
    assert bad.status_code == 303 and "error" in bad.headers.get("set-cookie", "")
    good = client.post(
        f"/cx/journeys/{jid}",
        data={
            "csrf_token": token.group(1),
            "spec_text": "journeys:\n  - name: status page is up\n    steps:\n      - wait: 0\n",
        },
    )
    assert good.status_code == 303
    assert "wait: 0" in client.get(f"/cx/journeys/{jid}").text

    run = re.search(r'href="/cx/runs/(\d+)"', detail.text)
    assert run
    run_page = client.get(f"/cx/runs/{run.group(1)}")
    assert run_page.status_code == 200 and "status page is up" in run_page.text

    drift = client.get("/cx/drift")
    assert drift.status_code == 200 and "features.sso" in drift.text

    queued = client.post(
        f"/cx/journeys/{jid}/run", data={"csrf_token": token.group(1), "environment": "local"}
    )
    assert queued.status_code == 303


def test_agents_see_but_cannot_edit(live: LiveServer) -> None:
    live.seed(lambda s: demo.load(s, now=now(), rng=random.Random(3)))
    live.user("agent@example.com", role=Role.agent)
    client = live.login("agent@example.com")
    page = client.get("/cx")
    assert page.status_code == 200 and "Import a spec" not in page.text
    token = CSRF.search(page.text) or CSRF.search(client.get("/account").text)
    assert token
    refused = client.post(
        "/cx/specs", data={"csrf_token": token.group(1), "spec_text": demo.ENVIRONMENTS}
    )
    assert refused.status_code == 303
    assert "error" in refused.headers.get("set-cookie", "")
