"""The embeddable web form for anonymous customers.

The ticket is made at once (nothing lost), tagged `unverified` and hidden from the
customer until they follow the signed link in the verification email; the submission row
records `verified_at`. A filled honeypot is stored as spam with no ticket and no email;
per-IP and per-email limits stop floods (refused submissions are still stored, as spam).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops import signing
from csops.clock import now
from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.intake import notify
from csops.domains.intake.models import FormSubmission
from csops.domains.intake.schemas import WebForm, as_raw
from csops.domains.tickets import service as tickets
from csops.domains.tickets.models import Channel, Ticket
from csops.domains.tickets.schemas import TicketCreate, TicketUpdate
from csops.errors import Invalid

UNVERIFIED_TAG = "unverified"
VERIFY_PURPOSE = "webform-verify"
VERIFY_MAX_AGE = 14 * 24 * 3600
HONEYPOT = "website"


@dataclass(frozen=True)
class Outcome:
    submission_id: int
    ticket_id: int | None
    spam: bool = False
    limited: bool = False


def _recent(session: Session, column: Any, value: str) -> int:
    since = now() - timedelta(seconds=get_settings().webform_window_seconds)
    return int(
        session.scalar(
            select(func.count())
            .select_from(FormSubmission)
            .where(column == value, FormSubmission.created_at >= since)
        )
        or 0
    )


def _keep(session: Session, raw: dict[str, Any], ip: str, *, spam: bool, reason: str) -> Outcome:
    row = FormSubmission(
        email=str(raw.get("email", ""))[:320].strip().lower(),
        name=str(raw.get("name", ""))[:200],
        subject=str(raw.get("subject", ""))[:250],
        description=str(raw.get("description", ""))[:20_000],
        ip=ip[:64],
        is_spam=spam,
        raw={**raw, "_reason": reason},
        created_at=now(),
    )
    session.add(row)
    session.flush()
    return Outcome(row.id, None, spam=spam, limited=reason == "rate-limited")


def verify_link(submission_id: int) -> str:
    token = signing.dumps(VERIFY_PURPOSE, {"s": submission_id})
    return f"{get_settings().base_url}/forms/verify/{token}"


def submit(session: Session, *, values: dict[str, Any], ip: str) -> Outcome:
    """One form post. Invalid (nothing stored) when the form itself is not valid."""
    raw = as_raw(values)
    if str(values.get(HONEYPOT) or "").strip():
        return _keep(session, raw, ip, spam=True, reason="honeypot")
    form = WebForm.model_validate({k: values.get(k, "") for k in WebForm.model_fields})
    email = form.email.strip().lower()
    settings = get_settings()
    if (
        _recent(session, FormSubmission.ip, ip) >= settings.webform_ip_limit
        or _recent(session, FormSubmission.email, email) >= settings.webform_email_limit
    ):
        return _keep(session, raw, ip, spam=True, reason="rate-limited")
    data = TicketCreate.model_validate(
        {
            "subject": form.subject,
            "description": form.description,
            "requester": {"email": email, "name": form.name or None},
            "tags": [UNVERIFIED_TAG],
            "channel": Channel.web,
        }
    )
    ticket = tickets.create_ticket(session, data=data, actor=Actor.system())
    row = FormSubmission(
        ticket_id=ticket.id,
        email=email,
        name=form.name,
        subject=form.subject,
        description=form.description,
        ip=ip[:64],
        is_spam=False,
        raw=raw,
        created_at=now(),
    )
    session.add(row)
    session.flush()
    notify.send(
        session,
        event_key=f"webform-verify:{row.id}",
        kind="webform_verify",
        template=notify.VERIFY_TEMPLATE,
        context={
            "name": form.name or email,
            "subject": form.subject,
            "link": verify_link(row.id),
            "ticket_id": ticket.id,
        },
        address=email,
        channel="email",
        ticket_id=ticket.id,
        essential=True,
    )
    return Outcome(row.id, ticket.id)


def verify(session: Session, *, token: str) -> FormSubmission:
    """Marks the submission verified and shows its ticket to the customer (idempotent)."""
    payload = signing.loads(VERIFY_PURPOSE, token, max_age_seconds=VERIFY_MAX_AGE)
    row = session.get(FormSubmission, payload.get("s") if isinstance(payload, dict) else None)
    if row is None:
        raise Invalid("this link is not valid")
    if row.verified_at is None:
        row.verified_at = now()
        ticket = session.get(Ticket, row.ticket_id) if row.ticket_id is not None else None
        if ticket is not None and UNVERIFIED_TAG in ticket.tags:
            remaining = [t for t in ticket.tags if t != UNVERIFIED_TAG]
            tickets.update_ticket(
                session,
                ticket_id=ticket.id,
                data=TicketUpdate(tags=remaining),
                actor=Actor.system(),
            )
        session.flush()
    return row


def is_hidden(session: Session, ticket_id: int) -> bool:
    """Whether a web-form ticket still waits for its requester's verification."""
    found = session.scalar(
        select(FormSubmission.id).where(
            FormSubmission.ticket_id == ticket_id, FormSubmission.verified_at.is_(None)
        )
    )
    return found is not None
