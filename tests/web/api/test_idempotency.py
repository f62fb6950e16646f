"""Idempotency-Key on POST: same key and body -> the same answer, once; other body -> 422."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.domains.accounts.models import Role
from csops.domains.idempotency.models import IdempotencyRecord
from csops.domains.tickets.models import Ticket
from tests.web.api.conftest import Desk, assert_problem, uniq


def _tickets_with_subject(server: Desk, subject: str) -> int:
    def count(session: Session) -> int:
        return session.scalar(select(func.count(Ticket.id)).where(Ticket.subject == subject)) or 0

    result: int = server.seed(count)
    return result


def test_same_key_same_body_replays_and_other_body_is_422(server: Desk) -> None:
    _uid, agent = server.staff(Role.agent)
    subject = uniq("Retry me ")
    raw = json.dumps(
        {"subject": subject, "description": "once", "requester": {"email": "idem@x.example"}}
    ).encode()
    headers = {"Idempotency-Key": "create-1", "Content-Type": "application/json"}
    first = agent.post("/api/v1/tickets", content=raw, headers=headers)
    second = agent.post("/api/v1/tickets", content=raw, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert _tickets_with_subject(server, subject) == 1
    other = raw.replace(b"once", b"twice")
    body = assert_problem(agent.post("/api/v1/tickets", content=other, headers=headers), 422)
    assert "Idempotency-Key" in body["detail"]
    assert _tickets_with_subject(server, subject) == 1
    _uid2, someone_else = server.staff(Role.agent)
    theirs = someone_else.post("/api/v1/tickets", content=raw, headers=headers)
    assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]
    fresh = agent.post("/api/v1/tickets", content=raw, headers={**headers, "Idempotency-Key": "2"})
    assert fresh.status_code == 201 and fresh.json()["id"] != first.json()["id"]
    too_long = {**headers, "Idempotency-Key": "k" * 201}
    assert_problem(agent.post("/api/v1/tickets", content=raw, headers=too_long), 422)


def test_failed_request_stores_no_key(server: Desk) -> None:
    _uid, agent = server.staff(Role.agent)
    headers = {"Idempotency-Key": uniq("k")}
    bad = {
        "subject": "x",
        "description": "y",
        "requester": {"email": "a@b.example"},
        "team_id": 2_000_000_000,
    }
    assert_problem(agent.post("/api/v1/tickets", json=bad, headers=headers), 422)
    good = {**bad, "team_id": None}
    assert agent.post("/api/v1/tickets", json=good, headers=headers).status_code == 201


def test_replay_for_messages_and_tokens(server: Desk) -> None:
    _uid, agent = server.staff(Role.agent)
    ticket = agent.post(
        "/api/v1/tickets",
        json={"subject": "s", "description": "d", "requester": {"email": "m@x.example"}},
    ).json()
    url = f"/api/v1/tickets/{ticket['id']}/messages"
    headers = {"Idempotency-Key": "reply-1"}
    first = agent.post(url, json={"body": "Only once"}, headers=headers)
    second = agent.post(url, json={"body": "Only once"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    texts = [m["body_text"] for m in agent.get(url).json()["items"]]
    assert texts.count("Only once") == 1
    form = agent.build_request(
        "POST",
        url,
        data={"body": "With a file"},
        files=[("files", ("a.txt", b"abc", "text/plain"))],
        headers={"Idempotency-Key": "reply-2"},
    )
    with_file = [agent.send(form), agent.send(form)]
    assert [r.status_code for r in with_file] == [201, 201]
    assert with_file[0].json() == with_file[1].json()
    assert len(with_file[1].json()["attachments"]) == 1
    key = {"Idempotency-Key": uniq("token")}
    made = agent.post("/api/v1/tokens", json={"name": "ci"}, headers=key)
    replay = agent.post("/api/v1/tokens", json={"name": "ci"}, headers=key)
    assert made.status_code == replay.status_code == 201
    secret = made.json()["token"]
    assert secret and replay.json()["token"] is None
    assert replay.json()["id"] == made.json()["id"]

    def stored(session: Session) -> list[str]:
        rows = session.scalars(select(IdempotencyRecord)).all()
        return [json.dumps(row.response) for row in rows]

    assert not any(secret in text for text in server.seed(stored))
