"""NPS: an organization's customers are asked 0-10 on a schedule (daily cron finds due rounds).

A round is named by its send date; a customer gets one survey per round (unique), so a
second run of the same due check sends nothing twice.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops import signing
from csops.clock import as_utc, now
from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Customer, Organization
from csops.domains.feedback.models import FeedbackEvent, FeedbackEventKind, NpsProgram, NpsSurvey
from csops.domains.feedback.surveys import check_token
from csops.domains.sla.escalation import optional
from csops.domains.sla.policies import require_admin
from csops.errors import Conflict, Invalid, NotFound

PURPOSE = "nps"
MAX_PER_ROUND = 500


def token_for(survey: NpsSurvey) -> str:
    return signing.dumps(PURPOSE, {"s": survey.id, "e": int(as_utc(survey.expires_at).timestamp())})


def url_for(survey: NpsSurvey) -> str:
    return f"{get_settings().base_url.rstrip('/')}/survey/nps/{token_for(survey)}"


def survey_from_token(session: Session, token: str) -> NpsSurvey:
    ident = check_token(PURPOSE, token)
    survey = session.get(NpsSurvey, ident) if 0 < ident < 2**31 else None
    if survey is None:
        raise NotFound("this survey no longer exists")
    return survey


def set_program(
    session: Session, *, organization_id: int, enabled: bool, every_days: int, actor: Actor
) -> NpsProgram:
    require_admin(actor)
    if not 0 < organization_id < 2**31 or session.get(Organization, organization_id) is None:
        raise NotFound(f"organization {organization_id} not found")
    if not 7 <= every_days <= 366:
        raise Invalid("ask every 7 to 366 days")
    program = session.scalar(
        select(NpsProgram).where(NpsProgram.organization_id == organization_id)
    )
    if program is None:
        program = NpsProgram(organization_id=organization_id, created_at=now())
        session.add(program)
    program.enabled = enabled
    program.every_days = every_days
    session.flush()
    return program


def list_programs(session: Session) -> list[NpsProgram]:
    return list(session.scalars(select(NpsProgram).order_by(NpsProgram.organization_id)).all())


def send_round(session: Session, program: NpsProgram) -> int:
    at = now()
    round_name = at.date().isoformat()
    expires = at + timedelta(days=get_settings().nps_link_days)
    customers = session.scalars(
        select(Customer)
        .where(Customer.organization_id == program.organization_id)
        .order_by(Customer.id)
        .limit(MAX_PER_ROUND)
    ).all()
    notifications = optional("csops.domains.notifications.service")
    sent = 0
    for customer in customers:
        exists = session.scalar(
            select(NpsSurvey.id).where(
                NpsSurvey.customer_id == customer.id, NpsSurvey.round == round_name
            )
        )
        if exists is not None:
            continue
        survey = NpsSurvey(
            organization_id=program.organization_id,
            customer_id=customer.id,
            round=round_name,
            sent_at=at,
            expires_at=expires,
            comment="",
        )
        session.add(survey)
        session.flush()
        session.add(
            FeedbackEvent(
                kind=FeedbackEventKind.nps_sent,
                organization_id=program.organization_id,
                survey_id=survey.id,
                at=at,
            )
        )
        if notifications is not None:
            notifications.notify(
                session,
                event_key=f"nps:{survey.id}",
                kind="nps",
                template="nps_survey",
                context={"survey_url": url_for(survey)},
                customer_id=customer.id,
                channel="email",
                essential=False,
            )
        sent += 1
    program.last_sent_at = at
    return sent


def send_due(session: Session) -> int:
    """Send every enabled program whose interval has passed; return the surveys sent."""
    at = now()
    total = 0
    for program in session.scalars(select(NpsProgram).where(NpsProgram.enabled.is_(True))):
        last = program.last_sent_at
        if last is None or as_utc(last) + timedelta(days=program.every_days) <= at:
            total += send_round(session, program)
    return total


def answer(
    session: Session, *, survey: NpsSurvey, score: str | int, comment: str = ""
) -> NpsSurvey:
    text = str(score).strip()
    if not text.isdigit() or not 0 <= int(text) <= 10:
        raise Invalid("choose a score from 0 to 10")
    if survey.answered_at is not None and now() > as_utc(survey.answered_at) + timedelta(
        days=get_settings().csat_change_days
    ):
        raise Conflict("this answer can no longer be changed")
    survey.score = int(text)
    survey.comment = comment.strip()[:5000]
    survey.answered_at = survey.answered_at or now()
    session.add(
        FeedbackEvent(
            kind=FeedbackEventKind.nps_answered,
            organization_id=survey.organization_id,
            survey_id=survey.id,
            rating=survey.score,
            at=now(),
        )
    )
    session.flush()
    return survey
