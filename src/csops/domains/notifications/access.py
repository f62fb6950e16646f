"""Who may manage notifications: admins (and the system itself)."""

from __future__ import annotations

from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role
from csops.errors import PermissionDenied


def require_admin(actor: Actor) -> None:
    if actor.kind == "system":
        return
    if not actor.is_staff or actor.role is not Role.admin:
        raise PermissionDenied("only admins may do this")
