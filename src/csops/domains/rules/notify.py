"""The rules' notices go through the notifications outbox (template `rule_notice`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.domains.notifications import service as notifications
from csops.domains.notifications.templates import register_default

TEMPLATE = "rule_notice"

register_default(
    TEMPLATE,
    subject="[#{{ ticket_id }}] {{ rule }}",
    text="{{ message }}\n\nTicket #{{ ticket_id }}: {{ subject }}\n{{ url }}\n",
)
register_default(
    TEMPLATE,
    subject="[#{{ ticket_id }}] {{ rule }}",
    text="{{ message }}\n\n工单 #{{ ticket_id }}：{{ subject }}\n{{ url }}\n",
    locale="zh_Hans",
)


def send(session: Session, **kwargs: Any) -> None:
    notifications.notify(session, **kwargs)
