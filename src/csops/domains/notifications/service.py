"""notify(): write rendered outbox rows in the caller's transaction; jobs deliver them.

Exactly-once in effect, per (event_key, recipient, channel):
- notify() is idempotent: a second call with the same event_key, recipient and channel
  returns the row already written (unique `dedupe_key`), so a retried use case adds nothing.
- the row and its delivery job commit with the change that caused them, or not at all.
- delivery is at-least-once: a worker killed after the SMTP server accepted the mail but
  before "sent" was committed sends it again on retry, with the SAME Message-ID (fixed when
  the row was written). A receiver that deduplicates on Message-ID (mail clients and
  archives do; our tests do) therefore sees each message exactly once, and none is lost.
  Webhooks carry the same guarantee through the stable `webhook-id` header.
"""

from __future__ import annotations

import hashlib
import random
import re
import secrets
from email.parser import HeaderParser
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from csops import signing
from csops.clock import now
from csops.config import get_settings
from csops.domains.accounts.models import Customer, User
from csops.domains.channels import mailids
from csops.domains.notifications import templates
from csops.domains.notifications.models import (
    Brand,
    ContactKind,
    ContactPoint,
    OutboxItem,
    OutboxStatus,
    Preference,
)
from csops.domains.notifications.rendering import one_line, render
from csops.domains.tickets.models import AuthorKind, Message
from csops.errors import Conflict, Invalid, NotFound
from csops.jobs.queue import enqueue

DELIVER_JOB = "notifications.deliver"
JOB_ATTEMPTS = 10  # crash recoveries of one attempt; send failures are counted on the row
PREFERENCES_PURPOSE = "notification-preferences"

__all__ = [
    "DELIVER_JOB",
    "default_brand",
    "notify",
    "preferences_token",
    "preferences_url",
    "set_opt_out",
]


def retry_delay(attempts: int) -> float:
    """base * 2**(attempts-1), capped, plus up to 10 % jitter."""
    s = get_settings()
    base = min(s.outbox_backoff_cap_seconds, s.outbox_backoff_base_seconds * 2.0 ** (attempts - 1))
    return base * (1 + 0.1 * random.random())  # noqa: S311  (jitter)


def default_brand(session: Session) -> Brand:
    """The default brand row, or an unsaved one made from the settings."""
    brand = session.scalar(select(Brand).where(Brand.is_default.is_(True)).limit(1))
    if brand is not None:
        return brand
    settings = get_settings()
    return Brand(
        id=None,
        name=settings.default_from_name,
        slug="default",
        from_name=settings.default_from_name,
        from_address=settings.default_from,
        reply_to=None,
        is_default=True,
    )


def preferences_token(customer_id: int) -> str:
    return signing.dumps(PREFERENCES_PURPOSE, {"c": customer_id})


def customer_from_token(token: str) -> int:
    payload = signing.loads(PREFERENCES_PURPOSE, token)
    if not isinstance(payload, dict) or not isinstance(payload.get("c"), int):
        raise Invalid("this link is not valid")
    return int(payload["c"])


def preferences_url(customer_id: int) -> str:
    base = get_settings().base_url.rstrip("/")
    return f"{base}/preferences/{preferences_token(customer_id)}"


def opted_out(session: Session, customer_id: int) -> bool:
    pref = session.scalar(select(Preference).where(Preference.customer_id == customer_id))
    return pref is not None and pref.opt_out_non_essential


def set_opt_out(session: Session, *, customer_id: int, opt_out: bool) -> Preference:
    pref = session.scalar(select(Preference).where(Preference.customer_id == customer_id))
    if pref is None:
        pref = Preference(customer_id=customer_id)
        session.add(pref)
    pref.opt_out_non_essential = opt_out
    pref.updated_at = now()
    session.flush()
    return pref


def _contact(
    session: Session, *, customer_id: int | None, user_id: int | None, channel: str | None
) -> tuple[ContactKind, str] | None:
    owner = (
        ContactPoint.customer_id == customer_id
        if customer_id is not None
        else ContactPoint.user_id == user_id
    )
    query = select(ContactPoint).where(owner)
    if channel is not None:
        query = query.where(ContactPoint.kind == ContactKind(channel))
    point = session.scalar(query.order_by(ContactPoint.preferred.desc(), ContactPoint.id).limit(1))
    if point is not None and (channel is not None or point.preferred):
        return point.kind, point.address
    if channel not in (None, ContactKind.email.value):
        return None
    person = session.get(Customer, customer_id) if customer_id else None
    email = person.email if person else None
    if email is None and user_id is not None:
        user = session.get(User, user_id)
        email = user.email if user else None
    return (ContactKind.email, email) if email else None


def _locale(session: Session, customer_id: int | None, user_id: int | None) -> str:
    if customer_id is not None and (c := session.get(Customer, customer_id)) is not None:
        return templates.normalize_locale(c.locale)
    if user_id is not None and (u := session.get(User, user_id)) is not None:
        return templates.normalize_locale(u.locale)
    return templates.DEFAULT_LOCALE


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "csops.invalid"


def _message_id(ticket_id: int | None, domain: str) -> str:
    if ticket_id is not None:
        return mailids.new_message_id(ticket_id, domain)
    clean = re.sub(r"[^A-Za-z0-9.-]", "", domain) or "csops.invalid"
    return f"<n.{secrets.token_hex(16)}@{clean}>"


def _inbound_message_ids(session: Session, ticket_id: int) -> list[str]:
    raws = session.scalars(
        select(Message.raw)
        .where(
            Message.ticket_id == ticket_id,
            Message.author_kind == AuthorKind.customer,
            Message.raw.is_not(None),
        )
        .order_by(Message.id.desc())
        .limit(3)
    ).all()
    found: list[str] = []
    for raw in raws:
        mid = HeaderParser().parsestr(raw or "", headersonly=True).get("Message-ID")
        if mid and re.fullmatch(r"<[^<>\s]{1,300}>", str(mid).strip()):
            found.append(str(mid).strip())
    return list(reversed(found))


def _thread_headers(session: Session, ticket_id: int) -> dict[str, str]:
    ours = session.scalars(
        select(OutboxItem.message_id)
        .where(OutboxItem.ticket_id == ticket_id, OutboxItem.channel == ContactKind.email)
        .order_by(OutboxItem.id)
        .limit(20)
    ).all()
    inbound = _inbound_message_ids(session, ticket_id)
    refs = list(dict.fromkeys([*ours, *inbound]))
    if not refs:
        return {}
    parent = inbound[-1] if inbound else refs[-1]
    return {"In-Reply-To": parent, "References": " ".join(refs[-10:])}


def _dedupe_key(event_key: str, channel: str, recipient: str) -> str:
    return hashlib.sha256(f"{event_key}\x1f{channel}\x1f{recipient}".encode()).hexdigest()


def notify(
    session: Session,
    *,
    event_key: str,
    kind: str,
    template: str,
    context: dict[str, Any],
    customer_id: int | None = None,
    user_id: int | None = None,
    address: str | None = None,
    channel: str | None = None,
    ticket_id: int | None = None,
    essential: bool = True,
) -> list[OutboxItem]:
    """Write the outbox row(s) for one notification; [] when nobody can or may be reached.

    Recipient: `address` when given (an email, or an apprise URL with `channel`), else the
    customer's / user's contact point on `channel` (None: the preferred one, else email).
    Non-essential messages skip customers who opted out.
    """
    if not essential and customer_id is not None and opted_out(session, customer_id):
        return []
    target = _target(session, customer_id, user_id, address, channel)
    if target is None:
        return []
    kind_of, recipient = target
    key = _dedupe_key(event_key, kind_of.value, recipient)
    existing = session.scalar(select(OutboxItem).where(OutboxItem.dedupe_key == key))
    if existing is not None:
        return [existing]
    item = _build(
        session,
        event_key=event_key,
        kind=kind,
        template=template,
        context=context,
        customer_id=customer_id,
        user_id=user_id,
        ticket_id=ticket_id,
        essential=essential,
        channel=kind_of,
        recipient=recipient,
        dedupe_key=key,
    )
    session.flush()
    try:
        with session.begin_nested():
            session.add(item)
    except IntegrityError:
        twin = session.scalar(select(OutboxItem).where(OutboxItem.dedupe_key == key))
        return [twin] if twin is not None else []
    enqueue(
        session,
        kind=DELIVER_JOB,
        payload={"outbox_id": item.id},
        unique_key=f"ob:{item.id}:0",
        max_attempts=JOB_ATTEMPTS,
    )
    return [item]


MAGIC_LINK_MINUTES = 15
SECRET_KINDS = frozenset({"auth"})  # bodies are blanked once delivered


def send_magic_link(session: Session, *, customer_id: int, raw_token: str) -> list[OutboxItem]:
    """Email a portal sign-in link (essential: ignores the opt-out)."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("customer not found")
    base = get_settings().base_url.rstrip("/")
    return notify(
        session,
        event_key=f"magic:{hashlib.sha256(raw_token.encode()).hexdigest()[:32]}",
        kind="auth",
        template="magic_link",
        context={
            "customer_name": customer.name,
            "link": f"{base}/portal/magic/{raw_token}",
            "minutes": MAGIC_LINK_MINUTES,
        },
        customer_id=customer_id,
        channel="email",
    )


def requeue(session: Session, *, outbox_id: int) -> OutboxItem:
    """Give a dead or failed item a fresh set of attempts now (admin action)."""
    item = session.get(OutboxItem, outbox_id)
    if item is None:
        raise NotFound("outbox item not found")
    if item.status is OutboxStatus.sent:
        raise Conflict("this message was already sent")
    item.status = OutboxStatus.pending
    item.max_attempts = item.attempts + get_settings().outbox_max_attempts
    item.next_attempt_at = now()
    session.flush()
    enqueue(
        session,
        kind=DELIVER_JOB,
        payload={"outbox_id": item.id},
        unique_key=f"ob:{item.id}:r{secrets.token_hex(6)}",
        max_attempts=JOB_ATTEMPTS,
    )
    return item


def _target(
    session: Session,
    customer_id: int | None,
    user_id: int | None,
    address: str | None,
    channel: str | None,
) -> tuple[ContactKind, str] | None:
    if channel is not None and channel not in ContactKind.__members__:
        raise Invalid(f"unknown notification channel {channel!r}")
    if address:
        clean = one_line(address)
        if channel is not None:
            return ContactKind(channel), clean
        return (ContactKind.email if "://" not in clean else ContactKind.apprise), clean
    if customer_id is None and user_id is None:
        raise Invalid("notify() needs a customer, a user or an address")
    return _contact(session, customer_id=customer_id, user_id=user_id, channel=channel)


def _build(
    session: Session,
    *,
    event_key: str,
    kind: str,
    template: str,
    context: dict[str, Any],
    customer_id: int | None,
    user_id: int | None,
    ticket_id: int | None,
    essential: bool,
    channel: ContactKind,
    recipient: str,
    dedupe_key: str,
) -> OutboxItem:
    locale = _locale(session, customer_id, user_id)
    source = templates.resolve(session, template, locale)
    if source is None:
        raise Invalid(f"unknown notification template {template!r}")
    brand = default_brand(session)
    prefs = preferences_url(customer_id) if customer_id is not None else ""
    full = {
        **context,
        "brand": {"name": brand.name, "from_name": brand.from_name},
        "preferences_url": prefs,
        "locale": locale,
    }
    if ticket_id is not None:
        full.setdefault("ticket_id", ticket_id)
        full.setdefault("ticket_token", mailids.subject_token(ticket_id))
    rendered = render(subject=source.subject, text=source.text, html=source.html, context=full)
    headers: dict[str, str] = {}
    if channel is ContactKind.email and ticket_id is not None:
        headers.update(_thread_headers(session, ticket_id))
    if template != "agent_reply":  # RFC 3834: machines must not answer machine mail
        headers["Auto-Submitted"] = "auto-replied" if template == "ticket_ack" else "auto-generated"
    if prefs and not essential:
        headers["List-Unsubscribe"] = f"<{prefs}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return OutboxItem(
        dedupe_key=dedupe_key,
        event_key=event_key[:200],
        kind=kind[:50],
        template=template[:100],
        channel=channel,
        recipient=recipient[:1000],
        customer_id=customer_id,
        user_id=user_id,
        ticket_id=ticket_id,
        brand_id=brand.id,
        locale=locale,
        essential=essential,
        status=OutboxStatus.pending,
        attempts=0,
        max_attempts=get_settings().outbox_max_attempts,
        message_id=_message_id(ticket_id, _domain(brand.from_address)),
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        headers=headers,
    )
