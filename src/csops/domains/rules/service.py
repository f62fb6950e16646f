"""Routing rules: admin CRUD, evaluation in order on ticket changes, and a test-run preview.

Rules run in the tickets hook (subscribers.py) in the change's own transaction. Their
changes go through tickets.service.update_ticket as the system actor, which emits an
"updated" change again: a guard on the session (the tickets being routed) keeps rules from
re-triggering on their own changes, so a rule can never loop.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Service, Team, User
from csops.domains.rules import actions as rule_actions
from csops.domains.rules import conditions as rule_conditions
from csops.domains.rules import notify
from csops.domains.rules.facts import current_values, facts_for
from csops.domains.rules.models import RoutingRule
from csops.domains.rules.schemas import PreviewIn, PreviewOut, PreviewRow, RuleIn, RuleUpdate
from csops.domains.tickets import service as tickets
from csops.domains.tickets.hooks import TicketChange
from csops.domains.tickets.models import Ticket
from csops.domains.tickets.schemas import TicketUpdate
from csops.errors import Conflict, Invalid, NotFound, PermissionDenied

GUARD_KEY = "csops.rules.routing"


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin or not actor.has_scope("admin"):
        raise PermissionDenied("only an admin may manage routing rules")


def list_rules(session: Session, *, actor: Actor) -> Sequence[RoutingRule]:
    if not actor.is_staff:
        raise NotFound("not found")
    return session.scalars(select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id)).all()


def get_rule(session: Session, *, rule_id: int, actor: Actor) -> RoutingRule:
    if not actor.is_staff:
        raise NotFound("not found")
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound(f"rule {rule_id} not found")
    return rule


def _check_refs(session: Session, actions: list[dict[str, Any]]) -> None:
    """Teams, users and services named by actions must exist when the rule is saved."""
    for action in actions:
        kind, value = action["type"], action.get("value")
        target = action.get("target")
        if value is None:
            continue
        if (kind == "assign_team" or target == "team") and session.get(Team, value) is None:
            raise Invalid(f"unknown team {value}")
        if kind == "assign_user" or target == "user":
            user = session.get(User, value) if isinstance(value, int) else None
            if user is None or not user.is_active:
                raise Invalid(f"unknown or inactive user {value}")
        if kind == "set_service":
            found = session.scalar(select(Service.id).where(Service.slug == value))
            if found is None:
                raise Invalid(f"unknown service {value!r}")


def _clean(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    if "conditions" in values:
        values["conditions"] = rule_conditions.validate(values["conditions"])
    if "actions" in values:
        values["actions"] = rule_actions.validate(values["actions"])
        _check_refs(session, values["actions"])
    return values


def _name_taken(session: Session, name: str, rule_id: int | None) -> None:
    found = session.scalar(select(RoutingRule.id).where(RoutingRule.name == name))
    if found is not None and found != rule_id:
        raise Conflict(f"a rule named {name!r} exists")


def create_rule(session: Session, *, data: RuleIn, actor: Actor) -> RoutingRule:
    _require_admin(actor)
    values = _clean(session, data.model_dump())
    _name_taken(session, data.name, None)
    if values.get("position") is None:
        last = session.scalar(select(func.max(RoutingRule.position)))
        values["position"] = (last or 0) + 10
    rule = RoutingRule(**values, created_at=now(), updated_at=now())
    session.add(rule)
    session.flush()
    return rule


def update_rule(session: Session, *, rule_id: int, data: RuleUpdate, actor: Actor) -> RoutingRule:
    _require_admin(actor)
    rule = get_rule(session, rule_id=rule_id, actor=actor)
    values = _clean(session, data.model_dump(exclude_unset=True, exclude_none=True))
    if "name" in values:
        _name_taken(session, values["name"], rule.id)
    for key, value in values.items():
        setattr(rule, key, value)
    rule.updated_at = now()
    session.flush()
    return rule


def delete_rule(session: Session, *, rule_id: int, actor: Actor) -> None:
    _require_admin(actor)
    session.delete(get_rule(session, rule_id=rule_id, actor=actor))
    session.flush()


# Evaluation -----------------------------------------------------------------------------


@contextmanager
def routing(session: Session, ticket_id: int) -> Iterator[bool]:
    """Yields False when this ticket is already being routed (a rule's own change)."""
    active: set[int] = session.info.setdefault(GUARD_KEY, set())
    if ticket_id in active:
        yield False
        return
    active.add(ticket_id)
    try:
        yield True
    finally:
        active.discard(ticket_id)


def _applicable(session: Session, kind: str) -> Sequence[RoutingRule]:
    flag = RoutingRule.on_create if kind == "created" else RoutingRule.on_update
    query = select(RoutingRule).where(RoutingRule.is_active.is_(True), flag.is_(True))
    return session.scalars(query.order_by(RoutingRule.position, RoutingRule.id)).all()


def run_rules(session: Session, change: TicketChange) -> list[int]:
    """Applies the matching rules in order; returns the ids of those that fired."""
    fired: list[int] = []
    with routing(session, change.ticket_id) as allowed:
        if not allowed:
            return fired
        rules = _applicable(session, change.kind)
        if not rules:
            return fired
        system = Actor.system()
        ticket = session.get_one(Ticket, change.ticket_id)
        facts = facts_for(session, ticket, change.changes)
        for rule in rules:
            if not rule_conditions.matches(rule.match.value, rule.conditions, facts):
                continue
            fired.append(rule.id)
            planned = rule_actions.plan(rule.actions, current_values(ticket))
            if planned.values:
                data = TicketUpdate.model_validate(planned.values)
                tickets.update_ticket(session, ticket_id=ticket.id, data=data, actor=system)
                facts = facts_for(session, ticket, change.changes)  # later rules see the change
            for item in planned.notify:
                _notify(session, rule, ticket, item)
            if rule.stop_processing:
                break
    return fired


def _notify(session: Session, rule: RoutingRule, ticket: Ticket, item: dict[str, Any]) -> None:
    context = {
        "rule": rule.name,
        "message": item.get("message") or rule.name,
        "ticket_id": ticket.id,
        "subject": ticket.subject,
        "url": f"{get_settings().base_url}/tickets/{ticket.id}",
    }
    common: dict[str, Any] = {
        "kind": "rule",
        "template": notify.TEMPLATE,
        "context": context,
        "ticket_id": ticket.id,
    }
    key = f"rule:{rule.id}:ticket:{ticket.id}:{ticket.version}"
    target, value = item["target"], item["value"]
    if target == "address":
        notify.send(session, event_key=key, address=str(value), **common)
    elif target == "user":
        notify.send(session, event_key=key, user_id=int(value), **common)
    else:
        team = session.get(Team, int(value))
        for member in team.members if team is not None else []:
            if member.is_active:
                notify.send(session, event_key=key, user_id=member.id, **common)


# Preview --------------------------------------------------------------------------------


def _draft(session: Session, request: PreviewIn, actor: Actor) -> RoutingRule:
    if request.rule_id is not None:
        return get_rule(session, rule_id=request.rule_id, actor=actor)
    if request.rule is None:
        raise Invalid("give a rule_id or a draft rule")
    values = _clean(session, request.rule.model_dump(exclude={"position"}))
    return RoutingRule(**values)


def preview(session: Session, *, request: PreviewIn, actor: Actor) -> PreviewOut:
    """Which of the newest tickets the rule matches and what it would change; writes nothing."""
    _require_admin(actor)
    rule = _draft(session, request, actor)
    recent = session.scalars(select(Ticket).order_by(Ticket.id.desc()).limit(request.limit)).all()
    rows = []
    for ticket in recent:
        facts = facts_for(session, ticket)
        hit = rule_conditions.matches(str(rule.match), rule.conditions or [], facts)
        planned = rule_actions.plan(rule.actions or [], current_values(ticket)) if hit else None
        before = current_values(ticket)
        rows.append(
            PreviewRow(
                ticket_id=ticket.id,
                subject=ticket.subject,
                matches=hit,
                changes={
                    k: [before.get(k), v] for k, v in (planned.values if planned else {}).items()
                },
                notify=[f"{n['target']}:{n['value']}" for n in (planned.notify if planned else [])],
            )
        )
    return PreviewOut(tried=len(rows), matched=sum(r.matches for r in rows), rows=rows)
