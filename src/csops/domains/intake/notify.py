"""The web form's verification email goes through the notifications outbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.domains.notifications import service as notifications
from csops.domains.notifications.templates import register_default

VERIFY_TEMPLATE = "webform_verify"

register_default(
    VERIFY_TEMPLATE,
    subject="Please confirm your request: {{ subject }}",
    text=(
        'Hello {{ name }},\n\nWe received your request "{{ subject }}" (#{{ ticket_id }}).\n'
        "Please confirm your email address to follow it:\n{{ link }}\n"
    ),
)
register_default(
    VERIFY_TEMPLATE,
    subject="请确认您的请求：{{ subject }}",
    text=(
        "{{ name }}，您好：\n\n我们已收到您的请求“{{ subject }}”（#{{ ticket_id }}）。\n"
        "请点击以下链接确认您的邮箱地址，以便跟进处理：\n{{ link }}\n"
    ),
    locale="zh_Hans",
)


def send(session: Session, **kwargs: Any) -> None:
    notifications.notify(session, **kwargs)
