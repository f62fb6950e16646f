"""Macros: canned replies that can also set ticket fields, applied in one step."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.kb.models import Macro
from csops.domains.kb.schemas import MacroActions, MacroCreate, MacroOut, MacroUpdate
from csops.domains.tickets import service as tickets
from csops.domains.tickets import thread
from csops.domains.tickets.models import Ticket
from csops.domains.tickets.schemas import MessageCreate, TicketUpdate
from csops.errors import Conflict, NotFound, PermissionDenied


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise NotFound("not found")


def macro_out(macro: Macro) -> MacroOut:
    return MacroOut(
        id=macro.id,
        name=macro.name,
        body=macro.body,
        public=macro.is_public,
        actions=MacroActions.model_validate(macro.actions),
        is_active=macro.is_active,
        created_at=macro.created_at,
    )


def create_macro(session: Session, *, data: MacroCreate, actor: Actor) -> Macro:
    _require_staff(actor)
    if actor.role is not None and actor.role.value not in ("manager", "admin"):
        raise PermissionDenied("only managers and admins edit macros")
    macro = Macro(
        name=data.name,
        body=data.body,
        is_public=data.public,
        actions=data.actions.model_dump(mode="json", exclude_defaults=True),
        created_by_id=actor.id,
    )
    try:
        with session.begin_nested():
            session.add(macro)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"a macro named {data.name!r} already exists") from exc
    return macro


def update_macro(session: Session, *, macro_id: int, data: MacroUpdate, actor: Actor) -> Macro:
    macro = get_macro(session, macro_id=macro_id, actor=actor)
    if actor.role is not None and actor.role.value not in ("manager", "admin"):
        raise PermissionDenied("only managers and admins edit macros")
    values = data.model_dump(exclude_unset=True)
    if "public" in values:
        macro.is_public = values.pop("public")
    if "actions" in values and data.actions is not None:
        values["actions"] = data.actions.model_dump(mode="json", exclude_defaults=True)
    for key, value in values.items():
        setattr(macro, key, value)
    session.flush()
    return macro


def get_macro(session: Session, *, macro_id: int, actor: Actor) -> Macro:
    _require_staff(actor)
    macro = session.get(Macro, macro_id)
    if macro is None:
        raise NotFound(f"macro {macro_id} not found")
    return macro


def list_macros(session: Session, *, actor: Actor, active_only: bool = True) -> Sequence[Macro]:
    _require_staff(actor)
    query = select(Macro).order_by(Macro.name)
    if active_only:
        query = query.where(Macro.is_active.is_(True))
    return session.scalars(query).all()


def apply_macro(session: Session, *, macro_id: int, ticket_id: int, actor: Actor) -> Ticket:
    """Posts the macro's reply (if any) and applies its field changes, in one transaction."""
    macro = get_macro(session, macro_id=macro_id, actor=actor)
    actions = MacroActions.model_validate(macro.actions)
    ticket = tickets.get_ticket(session, ticket_id=ticket_id, actor=actor)
    if macro.body.strip():
        body = macro.body.replace("{{requester.name}}", ticket.requester.name)
        thread.add_message(
            session,
            ticket_id=ticket.id,
            data=MessageCreate(body=body, public=macro.is_public),
            actor=actor,
        )
    update = actions.model_dump(exclude_defaults=True, exclude={"add_tags"})
    if actions.add_tags:
        update["tags"] = list(dict.fromkeys([*ticket.tags, *actions.add_tags]))
    if update:
        tickets.update_ticket(
            session, ticket_id=ticket.id, data=TicketUpdate(**update), actor=actor
        )
    return ticket
