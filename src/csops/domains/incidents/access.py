"""Who may read or change incidents: staff only, with the incidents scopes."""

from __future__ import annotations

from csops.domains.accounts.actor import Actor
from csops.errors import NotFound, PermissionDenied


def require(actor: Actor, scope: str) -> None:
    if not actor.is_staff:
        raise NotFound("not found")
    if not actor.has_scope(scope):
        raise PermissionDenied(f"this token lacks the {scope!r} scope")
