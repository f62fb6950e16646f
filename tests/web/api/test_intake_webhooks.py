"""Inbound webhooks through a real server: Standard Webhooks signatures, replay and
idempotency on webhook-id, and nothing lost (every delivery is stored, even refused ones)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from csops.domains.accounts.models import Role
from csops.domains.intake.models import WebhookDelivery
from csops.domains.tickets.models import Channel, Ticket
from tests.web.api.conftest import Desk, assert_problem, uniq

MAPPING = {
    "subject": "/alert/title",
    "description": "alert.text",
    "requester_email": "=monitoring@ops.example",
    "priority": "alert.severity",
    "tags": "labels",
    "external_id": "id",
}


def signed(
    secret: str, body: bytes, *, msg_id: str | None = None, stamp: int | None = None
) -> dict[str, str]:
    msg_id = msg_id or uniq("msg_")
    stamp = int(time.time()) if stamp is None else stamp
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
        "content-type": "application/json",
    }


@pytest.fixture(scope="module")
def source(server: Desk) -> dict[str, Any]:
    _uid, admin = server.staff(Role.admin)
    response = admin.post(
        "/api/v1/intake/sources",
        json={"slug": uniq("mon-"), "name": "Monitoring", "mapping": MAPPING},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert body["secret"].startswith("whsec_")
    body["admin"] = admin
    return body


def deliver(server: Desk, slug: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return server.client().post(f"/api/v1/intake/webhooks/{slug}", content=body, headers=headers)


def payload(title: str = "Disk full on db-1") -> bytes:
    return json.dumps(
        {
            "id": uniq("ext"),
            "alert": {"title": title, "text": "95% used", "severity": "critical"},
            "labels": ["disk"],
        }
    ).encode()


def stored(server: Desk, msg_id: str) -> list[WebhookDelivery]:
    def read(session: Any) -> list[WebhookDelivery]:
        rows = session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.webhook_id == msg_id)
        ).all()
        session.expunge_all()
        return list(rows)

    result: list[WebhookDelivery] = server.seed(read)
    return result


def test_valid_delivery_makes_a_ticket_and_a_replay_returns_the_first_result(
    server: Desk, source: dict[str, Any]
) -> None:
    body = payload()
    headers = signed(source["secret"], body)
    first = deliver(server, source["slug"], body, headers)
    assert first.status_code == 201, first.text
    result = first.json()
    assert result["status"] == "accepted" and result["duplicate"] is False
    ticket = server.seed(lambda s: s.get_one(Ticket, result["ticket_id"]))
    assert ticket.channel == Channel.webhook and ticket.priority.value == "urgent"
    assert ticket.subject == "Disk full on db-1" and ticket.tags == ["disk"]
    again = deliver(server, source["slug"], body, headers)
    assert again.status_code == 201
    assert again.json() == {**result, "duplicate": True}
    assert len(stored(server, headers["webhook-id"])) == 1


def test_wrong_secret_stale_timestamp_and_missing_headers_are_refused_but_stored(
    server: Desk, source: dict[str, Any]
) -> None:
    body = payload()
    wrong = signed("whsec_" + base64.b64encode(b"k" * 32).decode(), body)
    stale = signed(source["secret"], body, stamp=int(time.time()) - 3600)
    for headers in (wrong, stale):
        response = deliver(server, source["slug"], body, headers)
        assert_problem(response, 401)
        rows = stored(server, headers["webhook-id"])
        assert [r.status.value for r in rows] == ["rejected"] and rows[0].raw_body == body.decode()
    assert_problem(deliver(server, source["slug"], body, {"content-type": "application/json"}), 401)
    # A forged delivery does not squat the id: the real one still goes through.
    good = signed(source["secret"], body, msg_id=wrong["webhook-id"])
    assert deliver(server, source["slug"], body, good).status_code == 201


def test_bad_json_and_unmappable_payloads_are_kept_and_reported(
    server: Desk, source: dict[str, Any]
) -> None:
    broken = b'{"alert": {"title": "half'
    headers = signed(source["secret"], broken)
    problem = assert_problem(deliver(server, source["slug"], broken, headers), 400)
    assert "JSON" in problem["detail"]
    rows = stored(server, headers["webhook-id"])
    assert rows[0].status.value == "unmappable" and rows[0].raw_body == broken.decode()
    again = deliver(server, source["slug"], broken, headers)
    assert again.status_code == 400  # the first result, again
    unmappable = json.dumps({"something": "else"}).encode()
    headers = signed(source["secret"], unmappable)
    assert_problem(deliver(server, source["slug"], unmappable, headers), 422)
    assert stored(server, headers["webhook-id"])[0].error


def test_unknown_source_is_404_and_stored(server: Desk) -> None:
    response = deliver(server, "no-such-source", b"{}", {"content-type": "application/json"})
    assert_problem(response, 404)


def test_rotate_secret_and_deliveries_log(server: Desk, source: dict[str, Any]) -> None:
    admin: httpx.Client = source["admin"]
    rotated = admin.post(f"/api/v1/intake/sources/{source['id']}/rotate")
    assert rotated.status_code == 200
    new_secret = rotated.json()["secret"]
    assert new_secret != source["secret"]
    body = payload("After rotation")
    assert deliver(server, source["slug"], body, signed(source["secret"], body)).status_code == 401
    assert deliver(server, source["slug"], body, signed(new_secret, body)).status_code == 201
    source["secret"] = new_secret
    log = admin.get(f"/api/v1/intake/sources/{source['id']}/deliveries").json()
    assert {"accepted", "rejected"} <= {row["status"] for row in log}
    listed = admin.get("/api/v1/intake/sources").json()
    assert all("secret" not in row for row in listed)
