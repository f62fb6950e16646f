"""Follow-ups: a bad rating becomes a return call for a lead of the ticket's team.

Each follow-up has its own target (`csat_followup_hours`); a job at the due time marks it
breached (once) and reminds the lead if it is still open.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import User
from csops.domains.feedback.models import (
    CsatSurvey,
    FeedbackEvent,
    FeedbackEventKind,
    FollowUp,
    FollowUpStatus,
)
from csops.domains.sla.escalation import optional, team_leads
from csops.errors import Invalid, NotFound
from csops.jobs.queue import enqueue

DUE_JOB = "feedback.followup_due"


def _event(session: Session, kind: FeedbackEventKind, followup: FollowUp, **extra: Any) -> None:
    session.add(
        FeedbackEvent(
            kind=kind,
            ticket_id=followup.ticket_id,
            survey_id=followup.survey_id,
            team_id=followup.team_id,
            at=now(),
            details={"followup_id": followup.id, **extra},
        )
    )


def _notify_lead(session: Session, followup: FollowUp, survey: CsatSurvey, key: str) -> None:
    notifications = optional("csops.domains.notifications.service")
    if notifications is None or followup.assignee_id is None:
        return
    notifications.notify(
        session,
        event_key=key,
        kind="followup",
        template="followup_due",
        context={
            "ticket_id": followup.ticket_id,
            "rating": survey.rating,
            "comment": survey.comment,
            "due": followup.due_at.isoformat(),
            "url": f"{get_settings().base_url.rstrip('/')}/followups",
        },
        user_id=followup.assignee_id,
        ticket_id=followup.ticket_id,
    )


def open_for(session: Session, *, survey: CsatSurvey) -> FollowUp:
    """The survey's follow-up (one per survey), created on the first bad rating."""
    existing = session.scalar(select(FollowUp).where(FollowUp.survey_id == survey.id))
    if existing is not None:
        return existing
    leads = team_leads(session, survey.team_id)
    at = now()
    followup = FollowUp(
        ticket_id=survey.ticket_id,
        survey_id=survey.id,
        assignee_id=leads[0].id if leads else None,
        team_id=survey.team_id,
        status=FollowUpStatus.open,
        due_at=at + timedelta(hours=get_settings().csat_followup_hours),
        note="",
        created_at=at,
    )
    session.add(followup)
    session.flush()
    _event(session, FeedbackEventKind.followup_created, followup, rating=survey.rating)
    _notify_lead(session, followup, survey, f"followup:{followup.id}")
    enqueue(
        session,
        kind=DUE_JOB,
        payload={"followup_id": followup.id},
        run_at=followup.due_at,
        unique_key=f"followup-due:{followup.id}",
    )
    return followup


def check_due(session: Session, followup_id: int) -> None:
    followup = session.get(FollowUp, followup_id, with_for_update=True)
    if followup is None or followup.status != FollowUpStatus.open or followup.breached_at:
        return
    followup.breached_at = followup.due_at
    _event(session, FeedbackEventKind.followup_breached, followup)
    survey = session.get(CsatSurvey, followup.survey_id)
    if survey is not None:
        _notify_lead(session, followup, survey, f"followup-overdue:{followup.id}")


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise NotFound("not found")


def list_followups(
    session: Session, *, actor: Actor, status: FollowUpStatus | None = None, limit: int = 100
) -> list[FollowUp]:
    require_staff(actor)
    query = select(FollowUp).order_by(FollowUp.status, FollowUp.due_at, FollowUp.id)
    if status is not None:
        query = query.where(FollowUp.status == status)
    return list(session.scalars(query.limit(limit)).all())


def get_followup(session: Session, *, followup_id: int, actor: Actor) -> FollowUp:
    require_staff(actor)
    followup = session.get(FollowUp, followup_id) if 0 < followup_id < 2**31 else None
    if followup is None:
        raise NotFound(f"follow-up {followup_id} not found")
    return followup


def update_followup(
    session: Session,
    *,
    followup_id: int,
    actor: Actor,
    status: FollowUpStatus | None = None,
    note: str | None = None,
    assignee_id: int | None = None,
) -> FollowUp:
    followup = get_followup(session, followup_id=followup_id, actor=actor)
    if note is not None:
        followup.note = note.strip()[:5000]
    if assignee_id is not None:
        user = session.get(User, assignee_id)
        if user is None or not user.is_active:
            raise Invalid(f"unknown or inactive user {assignee_id}")
        followup.assignee_id = assignee_id
    if status is not None and status != followup.status:
        followup.status = status
        followup.done_at = now() if status == FollowUpStatus.done else None
        if status == FollowUpStatus.done:
            _event(session, FeedbackEventKind.followup_done, followup, by=actor.id)
    session.flush()
    return followup
