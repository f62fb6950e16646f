"""Demo CSAT: surveys on the solved demo tickets, mostly good with a few bad ones (and their
follow-ups, some already done), plus an NPS schedule for the largest organizations."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.clock import as_utc, frozen
from csops.domains.accounts.models import Customer, Organization
from csops.domains.feedback import followups, surveys
from csops.domains.feedback.models import (
    CsatSurvey,
    FeedbackEventKind,
    FollowUp,
    FollowUpStatus,
    NpsProgram,
    Scale,
)
from csops.domains.tickets.models import Ticket

RATINGS = [5] * 55 + [4] * 25 + [3] * 8 + [2] * 6 + [1] * 6
COMMENTS = {
    5: [
        "Fast and friendly, thank you!",
        "Solved in minutes, great job.",
        "Clear explanation, everything works again.",
        "Thanks for the quick refund.",
        "",
        "",
    ],
    4: ["Good help, took a little while.", "Fixed, but I had to send screenshots twice.", ""],
    3: ["It works now, but the first answer did not help.", "OK.", ""],
    2: [
        "Took three days to get a real answer.",
        "I had to explain my problem twice to different people.",
    ],
    1: [
        "Still not working and nobody called back.",
        "The answer was a copy-paste that ignored my question.",
        "I was charged twice and waited a week for the refund.",
    ],
}
MAX_SURVEYS = 600


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    answered = select(func.count(CsatSurvey.id)).where(CsatSurvey.answered_at.is_not(None))
    if session.scalar(answered):
        return
    solved = session.scalars(
        select(Ticket)
        .where(Ticket.solved_at.is_not(None), Ticket.merged_into_id.is_(None))
        .order_by(Ticket.solved_at.desc())
        .limit(MAX_SURVEYS)
    ).unique()
    for ticket in solved:
        _survey(session, ticket, now, rng)
    _nps_programs(session, now)


def _survey(session: Session, ticket: Ticket, now: datetime, rng: random.Random) -> None:
    assert ticket.solved_at is not None  # noqa: S101 (selected above)
    survey = surveys.ticket_survey(session, ticket_id=ticket.id)
    if survey is None:
        survey = _sent(session, ticket)
    sent = as_utc(survey.sent_at)
    answered = sent + timedelta(minutes=rng.randint(5, 60 * 48))
    if rng.random() < 0.4 or answered > now:
        return  # most customers never answer
    rating = rng.choice(RATINGS)
    with frozen(answered):
        surveys.answer(session, survey=survey, rating=rating, comment=rng.choice(COMMENTS[rating]))
    followup = session.scalar(select(FollowUp).where(FollowUp.survey_id == survey.id))
    if followup is not None and followup.due_at < now and rng.random() < 0.7:
        followup.status = FollowUpStatus.done
        followup.done_at = followup.created_at + timedelta(hours=rng.randint(1, 30))
        followup.note = rng.choice(
            ["Called back, apologised and credited the month.", "Explained the fix again."]
        )
        if followup.done_at > followup.due_at:
            followup.breached_at = followup.due_at
    elif followup is not None and followup.due_at < now:
        with frozen(now):
            followups.check_due(session, followup.id)


def _sent(session: Session, ticket: Ticket) -> CsatSurvey:
    """A survey as if sent when the ticket was solved (tickets solved before the feature)."""
    assert ticket.solved_at is not None  # noqa: S101 (the caller checked)
    sent = as_utc(ticket.solved_at) + timedelta(minutes=2)
    survey = CsatSurvey(
        ticket_id=ticket.id,
        customer_id=ticket.requester_id,
        team_id=ticket.team_id,
        assignee_id=ticket.assignee_id,
        scale=Scale.five,
        sent_at=sent,
        expires_at=sent + timedelta(days=14),
        comment="",
    )
    session.add(survey)
    session.flush()
    surveys.event(
        session,
        FeedbackEventKind.survey_sent,
        ticket_id=ticket.id,
        survey_id=survey.id,
        organization_id=ticket.organization_id,
        team_id=ticket.team_id,
    )
    return survey


def _nps_programs(session: Session, now: datetime) -> None:
    biggest = session.execute(
        select(Organization.id, func.count(Customer.id))
        .join(Customer, Customer.organization_id == Organization.id)
        .group_by(Organization.id)
        .order_by(func.count(Customer.id).desc())
        .limit(3)
    ).all()
    for org_id, _count in biggest:
        session.add(NpsProgram(organization_id=org_id, enabled=True, every_days=90, created_at=now))
    session.flush()
