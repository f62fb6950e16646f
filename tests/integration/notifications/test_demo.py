from __future__ import annotations

import random
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.demo import notifications as demo
from csops.domains.notifications.models import (
    Brand,
    ContactPoint,
    OutboxItem,
    OutboxStatus,
    WebhookDelivery,
)
from tests.integration.notifications.helpers import portal_ticket


def test_demo_loader(db: Session, factories: SimpleNamespace) -> None:
    for _ in range(3):
        portal_ticket(db, factories)
    demo.load(db, now=now(), rng=random.Random(1))
    assert db.scalar(select(func.count()).select_from(Brand).where(Brand.is_default)) == 1
    assert (db.scalar(select(func.count()).select_from(ContactPoint)) or 0) >= 3
    sent = db.scalar(
        select(func.count())
        .select_from(OutboxItem)
        .where(OutboxItem.status == OutboxStatus.sent, OutboxItem.event_key.like("demo:%"))
    )
    assert (sent or 0) >= 3
    assert (db.scalar(select(func.count()).select_from(WebhookDelivery)) or 0) >= 3
