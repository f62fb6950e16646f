"""Idempotency-Key on POST: one helper every creating route runs its work through.

The same key with the same request (method, path, raw body) answers with the stored
status, JSON and headers (Location, ETag) without doing the work again; the same key with
another request is a 422 problem. The record is written in the request's own transaction,
so it exists exactly when the resource does. Secret fields (a new API token) are never
stored: a replay answers with them set to null. Keys belong to one principal
("user:7", "customer:12") and are kept for 24 hours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from csops.domains.idempotency import service
from csops.errors import Conflict
from csops.web.deps import ActorDep

REPLAYED_HEADER = "Idempotent-Replayed"


@dataclass(frozen=True)
class Created:
    """What a POST produced: its JSON body, status and the headers worth replaying."""

    body: BaseModel
    status_code: int = 201
    headers: dict[str, str] = field(default_factory=dict)
    secret: tuple[str, ...] = ()  # body fields shown now but never stored (a new token)


@dataclass(frozen=True)
class Idempotency:
    key: str | None
    principal: str = ""
    fingerprint: str = ""

    def run(self, session: Session, work: Callable[[], Created]) -> Response:
        """Replays a stored answer, or does the work and stores its answer with it."""
        if self.key is not None:
            record = service.lookup(
                session, principal=self.principal, key=self.key, fingerprint=self.fingerprint
            )
            if record is not None:
                stored: dict[str, Any] = record.response
                headers = {**stored.get("headers", {}), REPLAYED_HEADER: "true"}
                return JSONResponse(stored.get("body"), record.status_code, headers=headers)
        created = work()
        if self.key is None:  # serialized by pydantic-core straight to JSON bytes
            return Response(
                created.body.model_dump_json(),
                created.status_code,
                headers=created.headers,
                media_type="application/json",
            )
        body = created.body.model_dump(mode="json")
        self._remember(session, created, body)
        return JSONResponse(body, created.status_code, headers=created.headers)

    def _remember(self, session: Session, created: Created, body: Any) -> None:
        try:
            service.remember(
                session,
                principal=self.principal,
                key=self.key or "",
                fingerprint=self.fingerprint,
                status_code=created.status_code,
                response={
                    "body": {**body, **dict.fromkeys(created.secret)},
                    "headers": created.headers,
                },
            )
        except IntegrityError as exc:
            raise Conflict(
                "another request with this Idempotency-Key is in progress; retry it shortly"
            ) from exc


async def idempotency(
    request: Request,
    actor: ActorDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            description="Makes the POST safe to retry: the same key and body give the same "
            "answer; the same key with another body is a 422 problem. Kept for 24 hours."
        ),
    ] = None,
) -> Idempotency:
    if idempotency_key is None:
        return Idempotency(key=None)
    body = await request.body()
    return Idempotency(
        key=idempotency_key,
        principal=f"{actor.kind}:{actor.id}",
        fingerprint=service.request_hash(request.method, request.url.path, body),
    )


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]
