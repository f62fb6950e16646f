"""CSAT surveys: one per ticket, sent when it is solved, answered through a signed link.

The link carries the survey id and its expiry, signed for the "csat" purpose; the expiry is
checked against `clock.now()` (not itsdangerous' own clock), so tests can move time. One
answer per ticket: answering again replaces it, for `csat_change_days` after the first
answer. A rating at or below `csat_bad_threshold` opens a follow-up for the team lead.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops import signing
from csops.clock import as_utc, now
from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.feedback import followups
from csops.domains.feedback.models import CsatSurvey, FeedbackEvent, FeedbackEventKind, Scale
from csops.domains.feedback.templates import register
from csops.domains.sla.escalation import optional
from csops.domains.tickets import thread
from csops.domains.tickets.models import Channel, Ticket
from csops.domains.tickets.schemas import MessageCreate
from csops.errors import Conflict, Invalid, NotFound

log = logging.getLogger("csops.feedback")
PURPOSE = "csat"
register()


def token_for(survey: CsatSurvey) -> str:
    return signing.dumps(PURPOSE, {"s": survey.id, "e": int(as_utc(survey.expires_at).timestamp())})


def url_for(survey: CsatSurvey, rating: int | None = None) -> str:
    base = f"{get_settings().base_url.rstrip('/')}/survey/{token_for(survey)}"
    return base if rating is None else f"{base}?r={rating}"


def check_token(purpose: str, token: str) -> int:
    """The id in a valid, unexpired token; Invalid otherwise."""
    payload = signing.loads(purpose, token)
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        raise Invalid("this link is not valid")
    if not isinstance(payload.get("e"), int) or payload["e"] < now().timestamp():
        raise Invalid("this link has expired")
    return int(payload["s"])


def survey_from_token(session: Session, token: str) -> CsatSurvey:
    ident = check_token(PURPOSE, token)
    survey = session.get(CsatSurvey, ident) if 0 < ident < 2**31 else None
    if survey is None:
        raise NotFound("this survey no longer exists")
    return survey


def event(session: Session, kind: FeedbackEventKind, **values: Any) -> None:
    session.add(FeedbackEvent(kind=kind, at=now(), **values))


def send_survey(session: Session, ticket: Ticket) -> CsatSurvey:
    """Create (or, after a reopen, renew) the ticket's survey and send its link."""
    settings = get_settings()
    at = now()
    survey = session.scalar(select(CsatSurvey).where(CsatSurvey.ticket_id == ticket.id))
    if survey is None:
        survey = CsatSurvey(
            ticket_id=ticket.id,
            customer_id=ticket.requester_id,
            scale=Scale(settings.csat_scale),
            comment="",
        )
        session.add(survey)
    survey.team_id = ticket.team_id
    survey.assignee_id = ticket.assignee_id
    survey.sent_at = at
    survey.expires_at = at + timedelta(days=settings.csat_link_days)
    session.flush()
    event(
        session,
        FeedbackEventKind.survey_sent,
        ticket_id=ticket.id,
        survey_id=survey.id,
        organization_id=ticket.organization_id,
        team_id=ticket.team_id,
        details={"channel": ticket.channel.value},
    )
    _deliver(session, ticket, survey)
    return survey


def _deliver(session: Session, ticket: Ticket, survey: CsatSurvey) -> None:
    ratings = [1, 5] if survey.scale == Scale.binary else [1, 2, 3, 4, 5]
    context = {
        "ticket_id": ticket.id,
        "subject": ticket.subject,
        "survey_url": url_for(survey),
        "rating_urls": [{"rating": r, "url": url_for(survey, r)} for r in ratings],
        "binary": survey.scale == Scale.binary,
    }
    notifications = optional("csops.domains.notifications.service")
    if notifications is not None:
        notifications.notify(
            session,
            event_key=f"csat:{ticket.id}:{ticket.reopen_count}",
            kind="csat",
            template="csat_survey",
            context=context,
            customer_id=ticket.requester_id,
            channel="email",
            ticket_id=ticket.id,
            essential=False,
        )
    if ticket.channel == Channel.chat:
        thread.add_message(
            session,
            ticket_id=ticket.id,
            data=MessageCreate(body=f"How did we do? Rate this conversation: {url_for(survey)}"),
            actor=Actor.system(),
            channel=Channel.chat,
        )


def parse_rating(survey: CsatSurvey, raw: str | int) -> int:
    text = str(raw).strip().lower()
    if text in ("good", "bad"):
        return 5 if text == "good" else 1
    if not text.isdigit() or not 1 <= int(text) <= 5:
        raise Invalid("choose a rating from 1 to 5")
    rating = int(text)
    if survey.scale == Scale.binary and rating not in (1, 5):
        raise Invalid("choose good or bad")
    return rating


def can_change(survey: CsatSurvey) -> bool:
    if survey.answered_at is None:
        return True
    limit = as_utc(survey.answered_at) + timedelta(days=get_settings().csat_change_days)
    return now() <= limit


def answer(
    session: Session, *, survey: CsatSurvey, rating: str | int, comment: str = ""
) -> CsatSurvey:
    """Record (or change, within the window) the one answer of this survey."""
    value = parse_rating(survey, rating)
    if not can_change(survey):
        raise Conflict("this answer can no longer be changed")
    first = survey.answered_at is None
    at = now()
    survey.rating = value
    survey.comment = comment.strip()[:5000]
    if first:
        survey.answered_at = at
    else:
        survey.changed_at = at
    session.flush()
    ticket = session.get(Ticket, survey.ticket_id)
    event(
        session,
        FeedbackEventKind.survey_answered if first else FeedbackEventKind.survey_changed,
        ticket_id=survey.ticket_id,
        survey_id=survey.id,
        organization_id=ticket.organization_id if ticket else None,
        team_id=survey.team_id,
        rating=value,
    )
    if value <= get_settings().csat_bad_threshold:
        followups.open_for(session, survey=survey)
    return survey


def survey_for_customer(session: Session, *, ticket_id: int, actor: Actor) -> CsatSurvey:
    """The survey of a solved ticket the signed-in customer asked (made if missing)."""
    ticket = session.get(Ticket, ticket_id) if 0 < ticket_id < 2**31 else None
    if ticket is None or not actor.is_customer or ticket.requester_id != actor.id:
        raise NotFound(f"request {ticket_id} not found")
    if ticket.solved_at is None:
        raise Conflict("this request is not solved yet")
    survey = session.scalar(select(CsatSurvey).where(CsatSurvey.ticket_id == ticket.id))
    if survey is None or as_utc(survey.expires_at) < now():
        survey = send_survey(session, ticket)
    return survey


def ticket_survey(session: Session, *, ticket_id: int) -> CsatSurvey | None:
    return session.scalar(select(CsatSurvey).where(CsatSurvey.ticket_id == ticket_id))


def recent(session: Session, *, limit: int = 50, answered: bool | None = None) -> list[CsatSurvey]:
    query = select(CsatSurvey).order_by(CsatSurvey.sent_at.desc(), CsatSurvey.id.desc())
    if answered is not None:
        query = query.where(
            CsatSurvey.answered_at.is_not(None) if answered else CsatSurvey.answered_at.is_(None)
        )
    return list(session.scalars(query.limit(limit)).all())


def expires(survey: CsatSurvey) -> datetime:
    return as_utc(survey.expires_at)
