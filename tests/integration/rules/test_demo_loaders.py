from __future__ import annotations

import random
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.demo import chat, intake, rules
from csops.domains.accounts.models import Role
from csops.domains.chat.models import ChatSession
from csops.domains.intake.models import DeliveryStatus, WebhookDelivery
from csops.domains.rules.models import RoutingRule
from csops.domains.tickets.models import Priority
from tests.factories.tickets import make_ticket


def test_demo_loaders_make_rules_chats_and_webhook_deliveries(
    db: Session, factories: SimpleNamespace
) -> None:
    factories.user(role=Role.agent)
    rng = random.Random(7)
    for module in (rules, chat, intake):
        module.load(db, now=now(), rng=rng)
    assert db.scalar(select(func.count()).select_from(RoutingRule)) == 4
    assert db.scalar(select(func.count()).select_from(ChatSession)) == 2
    statuses = db.scalars(select(WebhookDelivery.status)).all()
    assert statuses.count(DeliveryStatus.accepted) == 3
    assert statuses.count(DeliveryStatus.unmappable) == 1
    outage = make_ticket(db, subject="Checkout is down for everyone")
    assert outage.priority == Priority.urgent and outage.type.value == "problem"
