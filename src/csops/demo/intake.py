"""Demo inbound webhooks: the mobile app's feedback source, with a few deliveries."""

from __future__ import annotations

import json
import random
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Service
from csops.domains.intake import service, signature
from csops.domains.intake.schemas import SourceIn

MAPPING = {
    "subject": "/feedback/title",
    "description": "/feedback/body",
    "requester_email": "/user/email",
    "requester_name": "/user/name",
    "tags": "/feedback/labels",
    "external_id": "/id",
}
FEEDBACK = (
    ("App crashes when I open my orders", "Since 5.2 the app closes on the Orders tab.", ["crash"]),
    ("Dark mode please", "The white screen at night is painful.", ["idea"]),
    ("Push notifications arrive late", "Order updates come an hour later.", ["notifications"]),
)


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    mapping = dict(MAPPING)
    if session.scalar(select(Service.id).where(Service.slug == "mobile-app")) is not None:
        mapping["service"] = "=mobile-app"
    source = service.create_source(
        session,
        data=SourceIn(slug="app-feedback", name="Mobile app feedback", mapping=mapping),
        actor=Actor.system(),
    )
    stamp = int(clock.now().timestamp())  # what the receiver checks the timestamp against
    bodies = [
        {
            "id": f"fb-{1000 + n}",
            "feedback": {"title": title, "body": body, "labels": labels},
            "user": {"email": f"app.user{n}@example.com", "name": f"App User {n}"},
        }
        for n, (title, body, labels) in enumerate(FEEDBACK, 1)
    ]
    bodies.append({"id": "fb-broken", "feedback": {"rating": 2}})  # unmappable: kept, reported
    for n, payload in enumerate(bodies):
        raw = json.dumps(payload).encode()
        msg_id = f"msg_demo_{n}_{rng.randrange(10**8)}"
        headers = {
            "webhook-id": msg_id,
            "webhook-timestamp": str(stamp),
            "webhook-signature": signature.sign(source.secret, msg_id, stamp, raw),
            "content-type": "application/json",
        }
        service.receive(session, slug=source.slug, headers=headers, body=raw)
