"""Standard Webhooks signatures (https://www.standardwebhooks.com), pure functions.

The signed content is f"{webhook_id}.{timestamp}.{body}"; the header holds one or more
space-separated "v1,<base64 HMAC-SHA256>" entries (several during a key rotation). A secret
may carry the "whsec_" prefix, in which case the rest is the base64 key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from csops.errors import Invalid

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def key_bytes(secret: str) -> bytes:
    if secret.startswith(PREFIX):
        try:
            return base64.b64decode(secret[len(PREFIX) :], validate=True)
        except ValueError as exc:
            raise Invalid("the webhook secret is not valid base64") from exc
    return secret.encode()


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    content = f"{webhook_id}.{timestamp}.".encode() + body
    mac = hmac.new(key_bytes(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify(
    secret: str,
    *,
    webhook_id: str,
    timestamp: str,
    signature_header: str,
    body: bytes,
    at: datetime,
    tolerance_seconds: int,
) -> None:
    """Returns when one signature matches and the timestamp is fresh; else Invalid."""
    if not webhook_id or not timestamp or not signature_header:
        raise Invalid("missing webhook-id, webhook-timestamp or webhook-signature header")
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise Invalid("webhook-timestamp must be whole seconds since the epoch")
    stamp = int(timestamp)
    if abs(at.timestamp() - stamp) > tolerance_seconds:
        raise Invalid("webhook-timestamp is too old or too far in the future")
    expected = sign(secret, webhook_id, stamp, body).partition(",")[2]
    for entry in signature_header.split(" "):
        version, _, value = entry.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
            return
    raise Invalid("no webhook signature matches")
