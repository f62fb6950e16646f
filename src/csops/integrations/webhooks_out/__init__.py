"""Outgoing webhooks: Standard Webhooks signing and the WebhookSender port over netguard."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import httpx

from csops.integrations import netguard
from csops.integrations.ports import WebhookResult

EXCERPT_CHARS = 2000


def secret_bytes(secret: str) -> bytes:
    """A "whsec_<base64>" secret decodes to its bytes; any other string is used as UTF-8."""
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret[len("whsec_") :], validate=True)
        except ValueError:
            pass
    return secret.encode()


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The webhook-signature value: "v1,<base64 HMAC-SHA256 of id.timestamp.body>"."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    mac = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def signed_headers(
    secret: str, webhook_id: str, body: bytes, *, timestamp: int | None = None
) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(secret, webhook_id, ts, body),
        "user-agent": "csops-webhooks/1",
    }


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Whether one of the v1 signatures in `headers` matches (constant-time)."""
    expected = sign(secret, headers["webhook-id"], int(headers["webhook-timestamp"]), body)
    return any(
        hmac.compare_digest(expected, candidate)
        for candidate in headers.get("webhook-signature", "").split()
    )


class HttpWebhookSender:
    def __init__(self, *, timeout: float = 10.0, max_bytes: int = 1_048_576) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes

    def send(
        self, url: str, *, body: bytes, headers: dict[str, str], allowed_ranges: list[str]
    ) -> WebhookResult:
        started = time.monotonic()
        try:
            response = netguard.guarded_request(
                "POST",
                url,
                content=body,
                headers=headers,
                allowed_ranges=allowed_ranges,
                timeout=self.timeout,
                max_bytes=self.max_bytes,
            )
        except (netguard.BlockedURL, httpx.HTTPError, OSError) as exc:
            return WebhookResult(None, "", _ms(started), f"{type(exc).__name__}: {exc}"[:500])
        excerpt = response.content[:EXCERPT_CHARS].decode("utf-8", "replace")
        return WebhookResult(response.status_code, excerpt, _ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
