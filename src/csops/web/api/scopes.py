"""Who may call an API route: the actor kind first (a customer gets 404 for staff routes,
as if they did not exist), then the token's scopes (403 when one is missing).

Browser sessions carry every scope of their role (Actor.scopes is None); the role rules
themselves (admin only, managers only) stay in the services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends

from csops.domains.accounts.actor import Actor
from csops.errors import NotFound, PermissionDenied
from csops.web.deps import ActorDep


def require_scopes(actor: Actor, *scopes: str) -> None:
    for scope in scopes:
        if not actor.has_scope(scope):
            raise PermissionDenied(f"this token lacks the {scope!r} scope")


def scoped(*scopes: str, staff: bool = False) -> Callable[[Actor], Actor]:
    def dependency(actor: ActorDep) -> Actor:
        if staff and not actor.is_staff:
            raise NotFound("not found")
        require_scopes(actor, *scopes)
        return actor

    return dependency


AccountsReader = Annotated[Actor, Depends(scoped("accounts:read"))]
StaffAccountsReader = Annotated[Actor, Depends(scoped("accounts:read", staff=True))]
StaffAccountsWriter = Annotated[Actor, Depends(scoped("accounts:write", staff=True))]
AdminWriter = Annotated[Actor, Depends(scoped("accounts:write", "admin", staff=True))]
StaffTicketsReader = Annotated[Actor, Depends(scoped("tickets:read", staff=True))]
StaffTicketsWriter = Annotated[Actor, Depends(scoped("tickets:write", staff=True))]
