"""Signed, expiring tokens for links sent to people (survey, unsubscribe, page acknowledge).

One serializer per purpose (the salt), so a token made for one purpose never verifies for
another. Tokens are URL-safe; verification is constant-time (itsdangerous).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from csops.config import get_settings
from csops.errors import Invalid

__all__ = ["digest", "dumps", "loads"]


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().resolved_secret_key, salt=f"csops:{purpose}")


def dumps(purpose: str, payload: Any) -> str:
    """A token carrying `payload` (JSON-able), valid only for `purpose`."""
    return _serializer(purpose).dumps(payload)


def loads(purpose: str, token: str, *, max_age_seconds: int | None = None) -> Any:
    """The payload of a valid token; Invalid when forged, for another purpose or expired."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as exc:
        raise Invalid("this link has expired") from exc
    except BadSignature as exc:
        raise Invalid("this link is not valid") from exc


def digest(purpose: str, message: str) -> str:
    """Full-length HMAC-SHA256 hex of `message` under the site key, for `purpose`.

    Compare with `hmac.compare_digest`, never `==`.
    """
    key = hashlib.sha256(b"csops:" + purpose.encode() + b":" + get_settings().resolved_secret_key)
    return hmac.new(key.digest(), message.encode(), hashlib.sha256).hexdigest()
