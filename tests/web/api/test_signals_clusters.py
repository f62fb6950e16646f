"""Problem clusters over the API on both backends: list with hourly counts, detail with
tickets, rename (pinned), merge, split (kept apart, centroids moved) and the 4xx answers."""

from __future__ import annotations

import numpy as np
from sqlalchemy.orm import Session

from csops.domains.accounts.models import Role
from csops.domains.signals import state
from csops.domains.signals.models import ProblemCluster
from csops.engine.clustering import vector_from_bytes
from tests.integration.signals.seeding import seed_cluster
from tests.web.api.conftest import Desk, assert_problem

CARD = ["card payment failed at checkout", "my card payment fails", "card payment declined"]
PIN = ["how do I change my pin", "change my card pin"]
C = "/api/v1/signals/clusters"


def _seed(server: Desk, texts: list[str], label: str = "") -> tuple[int, list[int]]:
    return server.seed(lambda session: seed_cluster(session, texts, label=label))  # type: ignore[no-any-return]


def test_list_detail_rename_and_scopes(server: Desk) -> None:
    _, writer = server.staff(Role.agent, scopes=("signals:read", "signals:write"))
    _, reader = server.staff(Role.agent, scopes=("signals:read",))
    cluster_id, ticket_ids = _seed(server, CARD)
    listed = reader.get(C, params={"limit": 200})
    assert listed.status_code == 200, listed.text
    mine = next(c for c in listed.json() if c["id"] == cluster_id)
    assert len(mine["hourly"]) == 24 and mine["hourly"][-1] == 3 and mine["last_24h"] == 3
    detail = reader.get(f"{C}/{cluster_id}").json()
    assert sorted(t["id"] for t in detail["tickets"]) == sorted(ticket_ids)
    assert detail["tickets"][0]["subject"] in CARD
    assert_problem(reader.patch(f"{C}/{cluster_id}", json={"label": "x"}), 403)
    renamed = writer.patch(f"{C}/{cluster_id}", json={"label": "  Card   payments  "})
    assert renamed.status_code == 200, renamed.text
    body = renamed.json()
    assert body["label"] == "Card payments" and body["label_pinned"] is True
    assert [h["action"] for h in body["history"]] == ["rename"]
    assert_problem(writer.patch(f"{C}/{cluster_id}", json={"label": ""}), 422)
    assert_problem(writer.patch(f"{C}/999999999", json={"label": "x"}), 404)
    assert_problem(reader.get(f"{C}/999999999"), 404)


def test_split_moves_tickets_and_centroid(server: Desk) -> None:
    _, writer = server.staff(Role.agent, scopes=("signals:read", "signals:write"))
    cluster_id, ticket_ids = _seed(server, CARD + PIN)
    pin_ids = ticket_ids[3:]
    made = writer.post(
        f"{C}/{cluster_id}/split", json={"ticket_ids": pin_ids, "label": "PIN changes"}
    )
    assert made.status_code == 201, made.text
    new = made.json()
    assert new["split_from"] == cluster_id and new["cannot_link"] == [cluster_id]
    assert new["label"] == "PIN changes" and new["label_pinned"] and new["count"] == 2
    assert sorted(t["id"] for t in new["tickets"]) == sorted(pin_ids)
    old = writer.get(f"{C}/{cluster_id}").json()
    assert old["count"] == 3 and new["id"] in old["cannot_link"]
    assert old["split_into"] == [new["id"]]
    assert sorted(t["id"] for t in old["tickets"]) == sorted(ticket_ids[:3])

    def centroids(session: Session) -> tuple[list[float], list[float], list[float]]:
        encoder = state.cached_encoder(session, state.state_row(session, state.ENCODER))
        rows = [session.get(ProblemCluster, i) for i in (cluster_id, new["id"])]
        got = [vector_from_bytes(r.centroid, r.dim).tolist() for r in rows if r]
        texts = state.ticket_texts(session, ticket_ids[:3])
        want = np.asarray(encoder.encode_many(list(texts.values()), learn=False)).sum(axis=0)
        return got[0], got[1], want.tolist()

    old_total, new_total, card_total = server.seed(centroids)
    assert np.allclose(old_total, card_total, atol=1e-4)
    assert np.linalg.norm(new_total) > 0.5


def test_split_and_merge_refuse_bad_input(server: Desk) -> None:
    _, writer = server.staff(Role.agent, scopes=("signals:read", "signals:write"))
    _, reader = server.staff(Role.agent, scopes=("signals:read",))
    cluster_id, ticket_ids = _seed(server, CARD)
    other_id, other_tickets = _seed(server, PIN)
    split = f"{C}/{cluster_id}/split"
    assert_problem(writer.post(split, json={"ticket_ids": other_tickets}), 422)
    assert_problem(writer.post(split, json={"ticket_ids": ticket_ids}), 422)
    assert_problem(writer.post(split, json={"ticket_ids": []}), 422)
    assert_problem(writer.post(f"{C}/999999999/split", json={"ticket_ids": [1]}), 404)
    assert_problem(reader.post(split, json={"ticket_ids": ticket_ids[:1]}), 403)
    merge = f"{C}/{cluster_id}/merge"
    assert_problem(writer.post(merge, json={"into_id": cluster_id}), 422)
    assert_problem(writer.post(merge, json={"into_id": 999999999}), 404)
    merged = writer.post(merge, json={"into_id": other_id})
    assert merged.status_code == 200, merged.text
    target = merged.json()
    assert target["id"] == other_id and target["count"] == 5
    assert sorted(t["id"] for t in target["tickets"]) == sorted(ticket_ids + other_tickets)
    gone = writer.get(f"{C}/{cluster_id}").json()
    assert gone["merged_into_id"] == other_id
    assert cluster_id not in [c["id"] for c in writer.get(C, params={"limit": 200}).json()]
    third_id, _ = _seed(server, ["refund not received"])
    assert_problem(writer.post(f"{C}/{third_id}/merge", json={"into_id": cluster_id}), 409)
    assert_problem(writer.post(merge, json={"into_id": third_id}), 409)
    assert_problem(writer.post(f"{C}/{cluster_id}/split", json={"ticket_ids": [1]}), 409)
