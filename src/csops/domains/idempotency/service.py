"""Idempotency-Key handling: same key and body -> same answer; same key, other body -> error."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.idempotency.models import IdempotencyRecord
from csops.errors import Invalid

KEEP_FOR = timedelta(hours=24)
# Statements built once (values come as parameters): they run on every keyed POST.
_TABLE = cast(Table, IdempotencyRecord.__table__)
_INSERT = insert(_TABLE)
_BY_KEY = select(IdempotencyRecord).where(
    IdempotencyRecord.principal == bindparam("principal"),
    IdempotencyRecord.key == bindparam("key"),
)
_DELETE_EXPIRED = delete(_TABLE).where(
    _TABLE.c.principal == bindparam("principal"),
    _TABLE.c.key == bindparam("key"),
    _TABLE.c.created_at < bindparam("before"),
)


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def lookup(
    session: Session, *, principal: str, key: str, fingerprint: str
) -> IdempotencyRecord | None:
    if not key or len(key) > 200:
        raise Invalid("Idempotency-Key must be 1 to 200 characters")
    record = session.scalars(_BY_KEY, {"principal": principal, "key": key}).first()
    if record is None or record.created_at < now() - KEEP_FOR:
        return None
    if record.request_hash != fingerprint:
        raise Invalid("this Idempotency-Key was already used with a different request")
    return record


def remember(
    session: Session, *, principal: str, key: str, fingerprint: str, status_code: int, response: Any
) -> None:
    """Stores the answer (an expired record under the same key is replaced). Plain
    statements, run at once: a concurrent duplicate fails here with an IntegrityError."""
    conn = session.connection()
    conn.execute(_DELETE_EXPIRED, {"principal": principal, "key": key, "before": now() - KEEP_FOR})
    conn.execute(
        _INSERT,
        {
            "principal": principal,
            "key": key,
            "request_hash": fingerprint,
            "status_code": status_code,
            "response": json.loads(json.dumps(response, default=str)),
        },
    )


def prune(session: Session) -> None:
    session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now() - KEEP_FOR)
    )
