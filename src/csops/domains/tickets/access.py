"""Who may see which tickets. Every read path (UI, API, search, export) filters through here.

Staff: managers and admins see everything; agents and engineers see their teams' tickets,
tickets assigned to them, and the untriaged ones (no team yet) so that nothing new is
invisible. Customers see their own requests; an organization admin also their
organization's. Anything else is reported as "not found", never "forbidden".
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.tickets.models import Message, Ticket, TicketTag
from csops.errors import NotFound, PermissionDenied


def ticket_filter(actor: Actor) -> ColumnElement[bool]:
    if actor.sees_all_tickets:
        return true()
    if actor.kind == "user":
        conditions: list[ColumnElement[bool]] = [Ticket.team_id.is_(None)]
        if actor.team_ids:
            conditions.append(Ticket.team_id.in_(actor.team_ids))
        if actor.id is not None:
            conditions.append(Ticket.assignee_id == actor.id)
        return or_(*conditions)
    if actor.kind == "customer" and actor.id is not None:
        own: ColumnElement[bool] = Ticket.requester_id == actor.id
        if actor.is_org_admin and actor.organization_id is not None:
            own = or_(own, Ticket.organization_id == actor.organization_id)
        return and_(own, ~Ticket.id.in_(_UNVERIFIED))
    return false()


# A request sent through the public web form stays hidden from the customer's portal until
# they confirm their email address (the intake area tags it until then).
UNVERIFIED_TAG = "unverified"
_UNVERIFIED = select(TicketTag.ticket_id).where(TicketTag.tag == UNVERIFIED_TAG)


def message_filter(actor: Actor) -> ColumnElement[bool]:
    """Internal notes never reach a customer, through any path."""
    return true() if actor.is_staff else Message.is_public.is_(True)


def get_visible_ticket(session: Session, *, ticket_id: int, actor: Actor) -> Ticket:
    ticket = session.scalar(
        select(Ticket).where(and_(Ticket.id == ticket_id, ticket_filter(actor)))
    )
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} not found")
    return ticket


def require_scope(actor: Actor, scope: str) -> None:
    if not actor.has_scope(scope):
        raise PermissionDenied(f"this token lacks the {scope!r} scope")
