from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role, Tier
from csops.domains.rules import service
from csops.domains.rules.schemas import PreviewIn, RuleIn, RuleUpdate
from csops.domains.tickets import service as tickets
from csops.domains.tickets.models import Priority, Ticket, TicketEvent
from csops.domains.tickets.schemas import TicketUpdate
from csops.errors import Conflict, Invalid, PermissionDenied
from tests.factories.tickets import make_ticket

SYSTEM = Actor.system()


def rule(db: Session, name: str, **fields: Any) -> int:
    data = RuleIn.model_validate({"name": name, **fields})
    return service.create_rule(db, data=data, actor=SYSTEM).id


def test_rules_run_in_order_and_the_last_write_wins(db: Session) -> None:
    rule(db, "second", position=20, actions=[{"type": "set_priority", "value": "urgent"}])
    rule(db, "first", position=10, actions=[{"type": "set_priority", "value": "high"}])
    ticket = make_ticket(db)
    assert ticket.priority == Priority.urgent
    changes = db.scalars(
        select(TicketEvent.new_value)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.field == "priority")
        .order_by(TicketEvent.id)
    ).all()
    assert changes == ["high", "urgent"]


def test_stop_processing_skips_later_rules(db: Session) -> None:
    rule(
        db,
        "refunds to billing",
        position=10,
        conditions=[{"field": "subject", "op": "contains", "value": "refund"}],
        actions=[{"type": "add_tags", "value": ["billing"]}],
        stop_processing=True,
    )
    rule(db, "everything else", position=20, actions=[{"type": "add_tags", "value": ["other"]}])
    refund = make_ticket(db, subject="Refund please")
    plain = make_ticket(db, subject="Login broken")
    assert refund.tags == ["billing"]
    assert plain.tags == ["other"]


def test_vip_tier_and_description_conditions(db: Session, factories: SimpleNamespace) -> None:
    org = factories.org(domain="vip.example", tier=Tier.enterprise)
    team = factories.team()
    rule(
        db,
        "VIP",
        conditions=[{"field": "tier", "op": "equals", "value": "enterprise"}],
        actions=[
            {"type": "set_priority", "value": "high"},
            {"type": "assign_team", "value": team.id},
        ],
    )
    rule(
        db,
        "outage words",
        conditions=[{"field": "description", "op": "contains", "value": "down"}],
        actions=[{"type": "set_type", "value": "problem"}],
    )
    vip = make_ticket(db, requester={"email": "boss@vip.example", "name": "Boss"})
    other = make_ticket(db, description="The site is down")
    assert vip.organization_id == org.id
    assert (vip.priority, vip.team_id) == (Priority.high, team.id)
    assert other.priority == Priority.normal and other.type.value == "problem"


def test_update_rules_never_loop(db: Session, factories: SimpleNamespace) -> None:
    # Each rule's change would trigger the other if rules re-ran on their own changes.
    rule(
        db,
        "ping",
        on_create=False,
        on_update=True,
        actions=[
            {"type": "add_tags", "value": ["ping"]},
            {"type": "remove_tags", "value": ["pong"]},
        ],
    )
    rule(
        db,
        "pong",
        on_create=False,
        on_update=True,
        actions=[
            {"type": "add_tags", "value": ["pong"]},
            {"type": "remove_tags", "value": ["ping"]},
        ],
    )
    ticket = make_ticket(db)
    admin = Actor.for_user(factories.user(role=Role.admin))
    tickets.update_ticket(
        db, ticket_id=ticket.id, data=TicketUpdate(priority=Priority.low), actor=admin
    )
    assert ticket.tags == ["pong"]
    tag_events = db.scalar(
        select(func.count())
        .select_from(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.field == "tags")
    )
    assert tag_events == 2  # ping, then pong: once each, and it stopped


def test_inactive_and_update_only_rules_do_not_fire_on_create(db: Session) -> None:
    rule(db, "off", is_active=False, actions=[{"type": "add_tags", "value": ["off"]}])
    rule(
        db, "later", on_create=False, on_update=True, actions=[{"type": "add_tags", "value": ["u"]}]
    )
    assert make_ticket(db).tags == []


def test_preview_shows_matches_and_changes_without_writing(db: Session) -> None:
    hit = make_ticket(db, subject="Refund for order 9")
    miss = make_ticket(db, subject="Password reset")
    draft = RuleIn.model_validate(
        {
            "name": "preview",
            "conditions": [{"field": "subject", "op": "contains", "value": "refund"}],
            "actions": [{"type": "set_priority", "value": "high"}],
        }
    )
    before = db.scalar(select(func.count()).select_from(TicketEvent))
    result = service.preview(db, request=PreviewIn(rule=draft, limit=2), actor=SYSTEM)
    rows = {row.ticket_id: row for row in result.rows}
    assert result.tried == 2 and result.matched == 1
    assert rows[hit.id].changes == {"priority": ["normal", "high"]}
    assert rows[miss.id].matches is False and rows[miss.id].changes == {}
    assert db.scalar(select(func.count()).select_from(TicketEvent)) == before
    assert db.get_one(Ticket, hit.id).priority == Priority.normal


def test_rule_management_checks(db: Session, factories: SimpleNamespace) -> None:
    agent = Actor.for_user(factories.user(role=Role.agent))
    with pytest.raises(PermissionDenied):
        service.create_rule(
            db,
            data=RuleIn.model_validate(
                {"name": "x", "actions": [{"type": "add_tags", "value": "a"}]}
            ),
            actor=agent,
        )
    rule_id = rule(db, "named", actions=[{"type": "add_tags", "value": ["a"]}])
    with pytest.raises(Conflict):
        rule(db, "named", actions=[{"type": "add_tags", "value": ["a"]}])
    with pytest.raises(Invalid):
        rule(db, "ghost team", actions=[{"type": "assign_team", "value": 999_999}])
    with pytest.raises(Invalid):
        rule(db, "ghost service", actions=[{"type": "set_service", "value": "nope"}])
    updated = service.update_rule(
        db, rule_id=rule_id, data=RuleUpdate(stop_processing=True), actor=SYSTEM
    )
    assert updated.stop_processing is True
    service.delete_rule(db, rule_id=rule_id, actor=SYSTEM)
    assert [r.id for r in service.list_rules(db, actor=SYSTEM)] == []


def test_notify_action_does_not_break_the_change(db: Session) -> None:
    rule(
        db,
        "tell ops",
        actions=[
            {"type": "notify", "target": "address", "value": "ops@desk.example", "message": "New"}
        ],
    )
    ticket = make_ticket(db)
    assert ticket.id is not None
