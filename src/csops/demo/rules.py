"""Demo routing rules: the few triggers a real desk starts with."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Service, Team
from csops.domains.rules import service
from csops.domains.rules.schemas import RuleIn


def _rules(team: dict[str, int], services: set[str]) -> list[dict[str, Any]]:
    refunds: list[dict[str, Any]] = [{"type": "add_tags", "value": ["refund"]}]
    if "Payments" in team:
        refunds.append({"type": "assign_team", "value": team["Payments"]})
    if "billing" in services:
        refunds.append({"type": "set_service", "value": "billing"})
    return [
        {
            "name": "VIP tier → high priority",
            "conditions": [
                {"field": "tier", "op": "in", "value": ["enterprise", "premium"]},
                {"field": "priority", "op": "in", "value": ["low", "normal"]},
            ],
            "actions": [
                {"type": "set_priority", "value": "high"},
                {"type": "add_tags", "value": ["vip"]},
            ],
        },
        {
            "name": "Subject mentions refund → Billing",
            "conditions": [{"field": "subject", "op": "contains", "value": "refund"}],
            "actions": refunds,
        },
        {
            "name": "Outage words → urgent problem",
            "match": "any",
            "conditions": [
                {"field": "text", "op": "contains", "value": "outage"},
                {"field": "text", "op": "contains", "value": "is down"},
                {"field": "text", "op": "contains", "value": "500 error"},
            ],
            "actions": [
                {"type": "set_type", "value": "problem"},
                {"type": "set_priority", "value": "urgent"},
            ],
            "stop_processing": True,
        },
        {
            "name": "After-hours chats",
            "conditions": [
                {"field": "channel", "op": "equals", "value": "chat"},
                {"field": "hour", "op": "between", "value": [20, 7]},
            ],
            "actions": [{"type": "add_tags", "value": ["after-hours"]}],
        },
    ]


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    teams = {t.name: t.id for t in session.scalars(select(Team))}
    services = set(session.scalars(select(Service.slug)))
    for position, spec in enumerate(_rules(teams, services), 1):
        data = RuleIn.model_validate({**spec, "position": position * 10})
        service.create_rule(session, data=data, actor=Actor.system())
