"""Signals page through a real server: a suspected incident with its causes and sparkline,
the cluster drill-down, dismiss (reason required) and confirm (becomes an incident)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.models import Role
from csops.domains.signals.models import (
    ProblemCluster,
    SuspectedIncident,
    SuspectStatus,
)
from tests.web.conftest import LiveServer
from tests.web.ui.conftest import signed_in


def test_signals_page_confirm_and_dismiss(live: LiveServer) -> None:
    live.user("mia@example.com", role=Role.manager)

    def seed(session: Session) -> tuple[int, int, int]:
        cluster = ProblemCluster(label="card / payment / fail", dim=4, centroid=b"\0" * 16, count=3)
        session.add(cluster)
        session.flush()
        made = []
        for title in ("Spike: <b>card</b> payments", "Spike: transfers"):
            row = SuspectedIncident(
                key=title, title=title, score=9.5, started_at=now() - timedelta(minutes=20),
                cluster_id=cluster.id, evidence={"counts_by_5min": [0, 4, 9], "customers": 12},
                causes=[{"ref": "change:1", "kind": "change", "score": 0.9, "title": "payments v2",
                         "explanation": "deploy payments v2 on the affected service payments"}],
                ticket_ids=[],
            )  # fmt: skip
            session.add(row)
            session.flush()
            made.append(row.id)
        return cluster.id, made[0], made[1]

    cluster_id, first, second = live.seed(seed)
    mia = signed_in(live, "mia@example.com")
    page = mia.get("/signals")
    assert page.status_code == 200
    assert "deploy payments v2 on the affected service payments" in page.text
    assert "&lt;b&gt;card&lt;/b&gt;" in page.text and "data-chart=" in page.text
    assert mia.get(f"/signals/clusters/{cluster_id}").status_code == 200
    assert mia.get("/signals/clusters/999999").status_code == 404
    refused = mia.post(f"/signals/suspects/{second}/dismiss", data={"reason": " "})
    assert refused.status_code == 303
    done = mia.post(f"/signals/suspects/{second}/dismiss", data={"reason": "load test"})
    assert done.status_code == 303 and done.headers["location"] == "/signals"
    confirmed = mia.post(f"/signals/suspects/{first}/confirm")
    assert confirmed.status_code == 303 and confirmed.headers["location"].startswith("/incidents/")

    def check(session: Session) -> tuple[str, str, int | None]:
        a, b = session.get(SuspectedIncident, first), session.get(SuspectedIncident, second)
        assert a is not None and b is not None
        return a.status.value, b.status.value + ":" + b.reason, a.incident_id

    status_a, status_b, incident_id = live.seed(check)
    assert status_a == SuspectStatus.confirmed.value and incident_id is not None
    assert status_b == "dismissed:load test"
