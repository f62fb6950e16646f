"""Signals pages through a real server: a suspected incident with its causes and sparkline,
the cluster drill-down, dismiss (reason required) and confirm (becomes an incident); the
cluster page's rename, merge and split forms (CSRF, history); suspects in the inbox."""

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
from tests.integration.signals.seeding import seed_cluster
from tests.web.conftest import LiveServer
from tests.web.ui.conftest import signed_in, ticket


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


def test_cluster_page_rename_merge_and_split(live: LiveServer) -> None:
    live.user("sam@example.com", role=Role.agent)
    card = ["card payment failed", "my card payment fails", "card payment declined"]
    source, ticket_ids = live.seed(lambda s: seed_cluster(s, [*card, "change my pin", "pin reset"]))
    other, _ = live.seed(lambda s: seed_cluster(s, ["refund not received"]))
    sam = signed_in(live, "sam@example.com")
    page = sam.get(f"/signals/clusters/{source}")
    assert page.status_code == 200
    assert f'value="{ticket_ids[0]}"' in page.text and "Split into a new problem" in page.text
    assert f'<option value="{other}">' in page.text and "data-chart=" in page.text
    # No CSRF token, no change.
    refused = sam.client.post(f"/signals/clusters/{source}/rename", data={"label": "Nope"})
    assert refused.status_code == 403
    renamed = sam.post(f"/signals/clusters/{source}/rename", {"label": "Card <b>payments</b>"})
    assert (
        renamed.status_code == 303 and renamed.headers["location"] == f"/signals/clusters/{source}"
    )
    split = sam.post(
        f"/signals/clusters/{source}/split", {"ticket_ids": [str(t) for t in ticket_ids[3:]]}
    )
    assert split.status_code == 303
    new_id = int(split.headers["location"].rsplit("/", 1)[1])
    assert new_id != source
    shown = sam.get(f"/signals/clusters/{new_id}").text
    assert f'href="/signals/clusters/{source}"' in shown and "Kept apart for good." in shown
    everything = sam.post(
        f"/signals/clusters/{source}/split", {"ticket_ids": [str(t) for t in ticket_ids[:3]]}
    )
    assert everything.status_code == 303
    assert everything.headers["location"] == f"/signals/clusters/{source}"
    merged = sam.post(f"/signals/clusters/{other}/merge", {"into_id": str(source)})
    assert merged.status_code == 303 and merged.headers["location"] == f"/signals/clusters/{source}"
    after = sam.get(f"/signals/clusters/{source}").text
    assert "Card &lt;b&gt;payments&lt;/b&gt;" in after and "renamed it to" in after
    assert f"merged problem #{other} into it" in after
    assert "Merged into" in sam.get(f"/signals/clusters/{other}").text
    assert sam.post("/signals/clusters/999999/split", {"ticket_ids": ["1"]}).status_code == 404

    def check(session: Session) -> tuple[list[int], list[int], int | None, str, bool]:
        a, b, c = (session.get(ProblemCluster, i) for i in (source, new_id, other))
        assert a is not None and b is not None and c is not None
        return a.cannot_link, b.cannot_link, c.merged_into_id, a.label, a.label_pinned

    source_apart, new_apart, merged_into, label, pinned = live.seed(check)
    assert source_apart == [new_id] and new_apart == [source] and merged_into == source
    assert label == "Card <b>payments</b>" and pinned


def test_open_suspects_in_the_inbox(live: LiveServer) -> None:
    live.user("ivy@example.com", role=Role.agent)
    in_spike, quiet = ticket(live, subject="Card fails"), ticket(live, subject="Other")

    def seed(session: Session) -> None:
        session.add(
            SuspectedIncident(
                key="inbox",
                title="Spike: card payments on Payments",
                score=12.3,
                started_at=now() - timedelta(minutes=15),
                evidence={},
                ticket_ids=[in_spike],
                causes=[
                    {
                        "ref": "change:1",
                        "kind": "change",
                        "score": 0.9,
                        "title": "payments v2.14.0",
                        "explanation": "deploy",
                    }
                ],
            )  # fmt: skip
        )
        session.add(
            SuspectedIncident(
                key="stale",
                title="Spike: an old undecided burst",
                score=8.0,
                started_at=now() - timedelta(days=10),
                detected_at=now() - timedelta(days=10),
                evidence={},
                ticket_ids=[quiet],
                causes=[],
            )  # fmt: skip
        )

    live.seed(seed)
    inbox = signed_in(live, "ivy@example.com").get("/inbox").text
    assert "signals-banner" in inbox and "Spike: card payments on Payments" in inbox
    assert "an old undecided burst" not in inbox  # older than a week: on /signals only
    assert "payments v2.14.0" in inbox and "12.3" in inbox
    assert inbox.count("signals-badge") == 1
    row = inbox[inbox.index(f"/tickets/{in_spike}") :]
    assert "signals-badge" in row[: row.index("</tr>")]
    assert quiet
