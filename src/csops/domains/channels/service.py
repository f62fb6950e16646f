"""Email intake: every message received is stored raw first, then becomes a ticket, a
reply on one, an ignored auto-reply, or a quarantined row an admin can retry.

Threading: a csops-signed Message-ID in In-Reply-To / References (mailids), else a "[#123]"
subject token, names the ticket; it is joined only when the sender is that ticket's
requester. A claim on another customer's ticket, or on a closed one, opens a new ticket.

Loops and noise: auto-replies, bounces and list mail never open a ticket (status ignored);
when they thread to a ticket they are added as an internal note by the system, so no
customer-facing acknowledgement is ever triggered (TicketChange.public is False and
by_customer is False). `InboundMail.is_auto` marks them; `is_auto_mail_message()` answers
for a message id.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.config import get_settings
from csops.domains.accounts import service as accounts
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Customer
from csops.domains.channels import mailids
from csops.domains.channels.models import InboundMail, InboundStatus
from csops.domains.channels.parsing import MailPart, ParsedMail, ParseError, parse_email
from csops.domains.tickets import service as tickets
from csops.domains.tickets import thread
from csops.domains.tickets.attachments import safe_filename
from csops.domains.tickets.models import Channel, Message, Status, Ticket
from csops.domains.tickets.schemas import MessageCreate, RequesterIn, TicketCreate, Upload
from csops.errors import Conflict, Invalid, NotFound

log = logging.getLogger("csops.channels")

MAX_BODY = 100_000


def accepts_recipient(address: str) -> bool:
    """Whether `address` is a support mailbox (settings.mail_addresses; empty: any)."""
    configured = [a.strip().lower() for a in get_settings().mail_addresses.split(",") if a.strip()]
    if not configured:
        return True
    address = address.strip().strip("<>").lower()
    domain = "@" + address.rsplit("@", 1)[-1]
    return address in configured or domain in configured


def receive_email(
    session: Session,
    raw: bytes,
    *,
    envelope_from: str,
    envelope_to: Sequence[str],
    source: str = "smtp",
) -> InboundMail:
    """Stores `raw` and turns it into ticket activity; flushes, never commits.

    Whatever fails after the raw row is written leaves it quarantined with the reason; only
    a failure to write the row itself raises (the SMTP server then answers 452).
    """
    mail = InboundMail(
        source=source[:20],
        envelope_from=_clean(envelope_from).strip("<>")[:320],
        envelope_to=[_clean(addr)[:320] for addr in envelope_to][:50],
        raw=raw,
        size=len(raw),
        status=InboundStatus.quarantined,
        reason="received",
        received_at=now(),
    )
    session.add(mail)
    session.flush()
    limit = get_settings().mail_max_bytes
    if len(raw) > limit:
        _quarantine(mail, f"over the size limit ({len(raw)} > {limit} bytes)")
        session.flush()
        return mail
    _process(session, mail, checks=True)
    return mail


def _clean(value: str | None) -> str:
    """No NUL and no lone surrogates: PostgreSQL text refuses both."""
    text = (value or "").replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")


def _quarantine(mail: InboundMail, reason: str) -> None:
    mail.status = InboundStatus.quarantined
    mail.reason = _clean(reason)[:500]
    log.info("inbound mail %s quarantined: %s", mail.id, reason)


def _process(session: Session, mail: InboundMail, *, checks: bool) -> None:
    try:
        parsed = parse_email(mail.raw)
    except ParseError as exc:
        _quarantine(mail, str(exc))
        session.flush()
        return
    mail.sender = (parsed.sender or mail.envelope_from or None) and (
        parsed.sender or mail.envelope_from
    ).lower()[:320]
    mail.subject = parsed.subject[:250]
    mail.header_message_id = parsed.message_id
    mail.is_auto = bool(parsed.auto) or not mail.envelope_from and mail.source == "smtp"
    try:
        with session.begin_nested():
            _route(session, mail, parsed, checks=checks)
    except (Invalid, NotFound, ValueError) as exc:
        _quarantine(mail, f"rejected: {exc}")
    except Exception as exc:  # noqa: BLE001 (nothing lost: any failure quarantines)
        log.exception("inbound mail %s failed", mail.id)
        _quarantine(mail, f"error: {type(exc).__name__}: {exc}")
    session.flush()


def _duplicate_of(session: Session, mail: InboundMail) -> int | None:
    if not mail.header_message_id:
        return None
    return session.scalar(
        select(InboundMail.id).where(
            InboundMail.header_message_id == mail.header_message_id,
            InboundMail.status == InboundStatus.accepted,
            InboundMail.id != mail.id,
        )
    )


def _over_rate(session: Session, sender: str) -> bool:
    settings = get_settings()
    since = now() - timedelta(seconds=settings.mail_rate_window_seconds)
    count = session.scalar(
        select(func.count(InboundMail.id)).where(
            InboundMail.sender == sender,
            InboundMail.received_at >= since,
            InboundMail.status == InboundStatus.accepted,
        )
    )
    return (count or 0) >= settings.mail_rate_limit


def _target(session: Session, parsed: ParsedMail) -> Ticket | None:
    ticket_id = mailids.ticket_id_from_references(parsed.in_reply_to, parsed.references)
    if ticket_id is None:
        ticket_id = mailids.ticket_id_from_subject(parsed.subject)
    ticket = session.get(Ticket, ticket_id) if ticket_id is not None else None
    hops = 0
    while ticket is not None and ticket.merged_into_id is not None and hops < 5:
        ticket = session.get(Ticket, ticket.merged_into_id)
        hops += 1
    return ticket


def _route(session: Session, mail: InboundMail, parsed: ParsedMail, *, checks: bool) -> None:
    if not mail.sender:
        raise Invalid("the message has no sender address")
    duplicate = _duplicate_of(session, mail)
    if duplicate is not None:
        mail.status, mail.reason = InboundStatus.ignored, f"duplicate of inbound mail {duplicate}"
        return
    target = _target(session, parsed)
    customer = accounts.find_customer(session, mail.sender)
    owns = target is not None and customer is not None and target.requester_id == customer.id
    if mail.is_auto:
        kind = parsed.auto or "bounce"
        if owns and target is not None and target.status != Status.closed:
            _auto_note(session, mail, parsed, target, kind)
            return
        mail.status, mail.reason = InboundStatus.ignored, f"{kind}: recorded, not answered"
        return
    if checks and _over_rate(session, mail.sender):
        raise Invalid(f"rate limit: more than {get_settings().mail_rate_limit} emails from sender")
    if owns and customer is not None and target is not None and target.status != Status.closed:
        _reply(session, mail, parsed, target, customer)
        return
    note = None
    if target is not None and not owns:
        note = f"claimed ticket {target.id} of another requester: new ticket"
    elif target is not None:
        note = f"ticket {target.id} is closed: new ticket"
    _new_ticket(session, mail, parsed, note)


def _body(parsed: ParsedMail, skipped: list[str]) -> str:
    body = parsed.shown or parsed.text
    if skipped:
        body += "\n\n" + "\n".join(
            f"[{name} not attached: over the limits; it is kept in the original email]"
            for name in skipped
        )
    return body.strip()[:MAX_BODY] or "(no text)"


def _uploads(parts: list[MailPart]) -> tuple[list[Upload], list[str]]:
    """The attachments within the per-message limits; the names of those left out."""
    settings = get_settings()
    kept: list[Upload] = []
    skipped: list[str] = []
    for part in parts:
        fits = len(part.data) <= settings.max_attachment_bytes
        if fits and len(kept) < settings.max_attachments_per_message:
            kept.append(
                Upload(filename=part.filename, content_type=part.content_type, data=part.data)
            )
        else:
            skipped.append(safe_filename(part.filename))
    return kept, skipped


def _raw_text(mail: InboundMail) -> str:
    return mail.raw.decode("utf-8", "replace").replace("\x00", "")


def _reply(
    session: Session, mail: InboundMail, parsed: ParsedMail, target: Ticket, customer: Customer
) -> None:
    uploads, skipped = _uploads(parsed.attachments)
    message = thread.add_message(
        session,
        ticket_id=target.id,
        data=MessageCreate(body=_body(parsed, skipped)),
        actor=Actor.for_customer(customer),
        uploads=uploads,
        raw=_raw_text(mail),
        channel=Channel.email,
    )
    mail.status, mail.reason = InboundStatus.accepted, "reply"
    mail.ticket_id, mail.message_id = target.id, message.id


def _auto_note(
    session: Session, mail: InboundMail, parsed: ParsedMail, target: Ticket, kind: str
) -> None:
    text = f"Automatic email ({kind}) from {mail.sender}: {parsed.subject}\n\n{parsed.text}"
    message = thread.add_message(
        session,
        ticket_id=target.id,
        data=MessageCreate(body=text[:MAX_BODY], public=False),
        actor=Actor.system(),
        raw=_raw_text(mail),
        channel=Channel.email,
    )
    mail.status, mail.reason = InboundStatus.accepted, f"{kind}: internal note, not answered"
    mail.ticket_id, mail.message_id = target.id, message.id


def _new_ticket(session: Session, mail: InboundMail, parsed: ParsedMail, note: str | None) -> None:
    uploads, skipped = _uploads(parsed.attachments)
    subject = parsed.subject.strip() or "(no subject)"
    sender = mail.sender or ""
    ticket = tickets.create_ticket(
        session,
        data=TicketCreate(
            subject=subject[:250],
            description=_body(parsed, skipped),
            requester=RequesterIn(email=sender, name=(parsed.sender_name or "")[:200] or None),
            channel=Channel.email,
        ),
        actor=Actor.system(),
        uploads=uploads,
        raw=_raw_text(mail),
    )
    first = ticket_first_message(session, ticket.id)
    mail.status, mail.reason = InboundStatus.accepted, note or "new ticket"
    mail.ticket_id, mail.message_id = ticket.id, first


def ticket_first_message(session: Session, ticket_id: int) -> int | None:
    return session.scalar(
        select(Message.id).where(Message.ticket_id == ticket_id).order_by(Message.id).limit(1)
    )


# Admin views -----------------------------------------------------------------------------


def list_inbound(
    session: Session,
    *,
    actor: Actor,
    status: InboundStatus | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[InboundMail]:
    """Newest first; `before_id` pages back."""
    accounts.require_admin(actor)
    query = select(InboundMail)
    if status is not None:
        query = query.where(InboundMail.status == status)
    if before_id is not None:
        query = query.where(InboundMail.id < before_id)
    return list(session.scalars(query.order_by(InboundMail.id.desc()).limit(limit)))


def count_inbound(session: Session, *, actor: Actor) -> dict[str, int]:
    accounts.require_admin(actor)
    rows = session.execute(
        select(InboundMail.status, func.count(InboundMail.id)).group_by(InboundMail.status)
    ).all()
    counts = {status.value: 0 for status in InboundStatus}
    counts.update({status.value: n for status, n in rows})
    return counts


def get_inbound(session: Session, *, mail_id: int, actor: Actor) -> InboundMail:
    accounts.require_admin(actor)
    mail = session.get(InboundMail, mail_id)
    if mail is None:
        raise NotFound(f"inbound mail {mail_id} not found")
    return mail


def retry_inbound(session: Session, *, mail_id: int, actor: Actor) -> InboundMail:
    """Processes a quarantined message again; the admin's retry skips size and rate checks."""
    mail = get_inbound(session, mail_id=mail_id, actor=actor)
    if mail.status != InboundStatus.quarantined:
        raise Conflict(f"inbound mail {mail_id} is {mail.status.value}, not quarantined")
    mail.attempts += 1
    _process(session, mail, checks=False)
    return mail


def is_auto_mail_message(session: Session, message_id: int) -> bool:
    """Whether a ticket message came from an auto-reply, bounce or list email."""
    found = session.scalar(
        select(InboundMail.is_auto).where(InboundMail.message_id == message_id).limit(1)
    )
    return bool(found)


def message_id_domain() -> str:
    """The domain csops puts in the Message-IDs it generates."""
    settings = get_settings()
    return settings.mail_domain or settings.default_from.rsplit("@", 1)[-1] or "csops.invalid"


__all__ = [
    "accepts_recipient",
    "count_inbound",
    "get_inbound",
    "is_auto_mail_message",
    "list_inbound",
    "message_id_domain",
    "receive_email",
    "retry_inbound",
]
