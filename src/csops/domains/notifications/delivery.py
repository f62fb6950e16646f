"""Send one outbox item through the transport of its channel.

The transports implement `integrations/ports.py`; by default they are built from the
settings (SMTP, apprise, the SSRF-guarded webhook sender). `use_transports()` swaps them,
for the composition root or a test that points them at its own local servers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from email.message import EmailMessage

from sqlalchemy.orm import Session

from csops.config import get_settings
from csops.domains.notifications.models import Brand, ContactKind, OutboxItem
from csops.domains.notifications.service import default_brand
from csops.integrations.apprise_notifier import AppriseNotifier
from csops.integrations.ports import Mailer, Notifier, WebhookSender
from csops.integrations.smtp_out import SmtpMailer, build_email
from csops.integrations.webhooks_out import HttpWebhookSender


@dataclass(frozen=True)
class Transports:
    mailer: Mailer
    notifier: Notifier
    webhooks: WebhookSender


_current: Transports | None = None


def _from_settings() -> Transports:
    s = get_settings()
    return Transports(
        mailer=SmtpMailer(
            s.smtp_host,
            s.smtp_port,
            security=s.smtp_security,
            user=s.smtp_user,
            password=s.smtp_password,
            timeout=s.smtp_timeout_seconds,
            local_hostname=s.default_from.rpartition("@")[2] or "localhost",
        ),
        notifier=AppriseNotifier(),
        webhooks=HttpWebhookSender(
            timeout=s.webhook_timeout_seconds, max_bytes=s.webhook_max_response_bytes
        ),
    )


def transports() -> Transports:
    global _current
    if _current is None:
        _current = _from_settings()
    return _current


@contextmanager
def use_transports(
    *,
    mailer: Mailer | None = None,
    notifier: Notifier | None = None,
    webhooks: WebhookSender | None = None,
) -> Iterator[Transports]:
    """Replace some transports for the duration of the block."""
    global _current
    before = transports()
    chosen = replace(
        before,
        mailer=mailer or before.mailer,
        notifier=notifier or before.notifier,
        webhooks=webhooks or before.webhooks,
    )
    _current = chosen
    try:
        yield chosen
    finally:
        _current = before


def email_for(session: Session, item: OutboxItem) -> EmailMessage:
    brand = session.get(Brand, item.brand_id) if item.brand_id else None
    brand = brand or default_brand(session)
    return build_email(
        from_name=brand.from_name,
        from_address=brand.from_address,
        reply_to=brand.reply_to,
        to=item.recipient,
        subject=item.subject,
        text=item.body_text,
        html=item.body_html,
        message_id=item.message_id,
        headers=dict(item.headers or {}),
        date=item.created_at,
    )


def send_item(session: Session, item: OutboxItem) -> None:
    """One delivery attempt; raises on failure (PermanentFailure: never retry)."""
    if item.channel is ContactKind.email:
        transports().mailer.send(email_for(session, item))
        return
    transports().notifier.notify(item.recipient, title=item.subject, body=item.body_text)
