"""API routes: API tokens. A token is shown once, when it is made; only its hash is kept.

Staff manage their own tokens (admins everyone's). A token can only make tokens with
scopes it carries itself, so no token can mint a stronger one.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from csops.domains.accounts import auth, schemas, service
from csops.domains.accounts.models import ApiToken
from csops.errors import NotFound, PermissionDenied
from csops.web.api.idempotency import Created, IdempotencyDep
from csops.web.api.pagination import MAX_ID, Id
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import StaffAccountsReader, StaffAccountsWriter
from csops.web.deps import SessionDep

router = APIRouter(prefix="/tokens", tags=["tokens"], route_class=ApiRoute)


def _token_out(token: ApiToken) -> schemas.TokenOut:
    return schemas.TokenOut.model_validate(token)


@router.get("", response_model=list[schemas.TokenOut], summary="List API tokens")
def list_tokens(
    session: SessionDep,
    actor: StaffAccountsReader,
    user_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Admins only")] = None,
) -> list[schemas.TokenOut]:
    """Your own tokens; an admin sees everyone's (or one user's with user_id)."""
    return [_token_out(t) for t in auth.list_tokens(session, actor=actor, user_id=user_id)]


@router.post(
    "",
    status_code=201,
    response_model=schemas.TokenCreated,
    summary="Make an API token (shown once)",
)
def create_token(
    data: schemas.TokenCreate,
    session: SessionDep,
    actor: StaffAccountsWriter,
    idem: IdempotencyDep,
) -> Response:
    """The answer holds the token itself; it is never shown again (a replay with the same
    Idempotency-Key answers with `token: null`). Store it now."""
    if actor.scopes is not None and not set(data.scopes) <= actor.scopes:
        raise PermissionDenied("a token can only make tokens with scopes it has itself")

    def work() -> Created:
        if actor.id is None:
            raise NotFound("user not found")
        user = service.get_user(session, user_id=actor.id, actor=actor)
        token, raw = auth.create_token(session, user=user, data=data, actor=actor)
        out = schemas.TokenCreated(**_token_out(token).model_dump(), token=raw)
        return Created(out, 201, {"Cache-Control": "no-store"}, secret=("token",))

    return idem.run(session, work)


@router.delete("/{token_id}", status_code=204, summary="Revoke an API token")
def revoke_token(token_id: Id, session: SessionDep, actor: StaffAccountsWriter) -> Response:
    auth.revoke_token(session, token_id=token_id, actor=actor)
    return Response(status_code=204)
