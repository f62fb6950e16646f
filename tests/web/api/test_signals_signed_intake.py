"""Alert and change intake signed with an HMAC of the body instead of a token."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from csops.config import get_settings
from csops.web.app import create_app
from tests.web.conftest import _serve

SECRET = "s3cret-for-alerts"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "alertmanager"


@pytest.fixture
def client(fresh_engine: Engine) -> Iterator[httpx.Client]:
    settings = get_settings().model_copy(update={"signals_webhook_secret": SECRET})
    server, thread, port = _serve(create_app(settings, fresh_engine))
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
        yield http
    server.should_exit = True
    thread.join(timeout=10)


def signed(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_a_signed_alertmanager_payload_is_accepted_and_a_forged_one_refused(
    client: httpx.Client,
) -> None:
    fixture = sorted(FIXTURES.glob("*.json"))[0]
    body = json.dumps(json.loads(fixture.read_text())).encode()
    headers = {"content-type": "application/json"}
    ok = client.post(
        "/api/v1/integrations/alertmanager",
        content=body,
        headers={**headers, "X-Csops-Signature": signed(body)},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json() and ok.json()[0]["fingerprint"]
    forged = client.post(
        "/api/v1/integrations/alertmanager",
        content=body,
        headers={**headers, "X-Csops-Signature": signed(body, "wrong")},
    )
    assert forged.status_code == 401
    assert forged.headers["content-type"].startswith("application/problem+json")
    unsigned = client.post("/api/v1/integrations/alertmanager", content=body, headers=headers)
    assert unsigned.status_code == 401


def test_github_signs_deployment_status_with_its_own_header(client: httpx.Client) -> None:
    payload = {
        "deployment_status": {"state": "success", "created_at": "2026-11-20T10:00:00Z"},
        "deployment": {
            "environment": "production",
            "sha": "a1b2c3d",
            "ref": "v2.4.0",
            "created_at": "2026-11-20T09:58:00Z",
            "payload": {"service": "payments"},
        },
        "repository": {"name": "payments", "full_name": "acme/payments"},
        "sender": {"login": "ci-bot"},
    }
    body = json.dumps(payload).encode()
    response = client.post(
        "/api/v1/integrations/github/deployment-status",
        content=body,
        headers={"content-type": "application/json", "X-Hub-Signature-256": signed(body)},
    )
    assert response.status_code in (200, 201), response.text
    assert response.json()["kind"] == "deploy"
