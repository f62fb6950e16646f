"""CSAT surveys: sent on solve, signed and expiring links, one answer changeable for 7 days,
bad ratings open a follow-up with its own due time; NPS rounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops import signing
from csops.clock import frozen
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role
from csops.domains.feedback import followups, nps, surveys
from csops.domains.feedback.models import (
    CsatSurvey,
    FeedbackEvent,
    FeedbackEventKind,
    FollowUp,
    FollowUpStatus,
    NpsSurvey,
)
from csops.domains.tickets import service as tickets
from csops.domains.tickets.models import Message
from csops.domains.tickets.schemas import TicketUpdate
from csops.errors import Conflict, Invalid
from tests.factories.tickets import make_ticket

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def solved_ticket(db: Session, factories: SimpleNamespace, **kw: object) -> CsatSurvey:
    team = factories.team()
    lead = factories.user(role=Role.manager)
    team.members.append(lead)
    db.flush()
    ticket = make_ticket(db, team_id=team.id, **kw)
    tickets.update_ticket(
        db, ticket_id=ticket.id, data=TicketUpdate(status="solved"), actor=Actor.system()
    )
    survey = surveys.ticket_survey(db, ticket_id=ticket.id)
    assert survey is not None
    return survey


def count(db: Session, kind: FeedbackEventKind) -> int:
    query = select(func.count()).select_from(FeedbackEvent).where(FeedbackEvent.kind == kind)
    return int(db.scalar(query) or 0)


def test_solving_sends_one_signed_survey(db: Session, factories: SimpleNamespace) -> None:
    with frozen(T0):
        survey = solved_ticket(db, factories)
        token = surveys.token_for(survey)
        assert surveys.survey_from_token(db, token).id == survey.id
    assert survey.expires_at == T0 + 14 * DAY
    assert count(db, FeedbackEventKind.survey_sent) == 1
    outbox = pytest.importorskip("csops.domains.notifications.models").OutboxItem
    mail = db.scalars(select(outbox).where(outbox.template == "csat_survey")).one()
    assert mail.ticket_id == survey.ticket_id and "/survey/" in mail.body_text
    assert "?r=1" in mail.body_text and "?r=5" in mail.body_text  # one-click ratings
    with pytest.raises(Invalid, match="not valid"):
        surveys.survey_from_token(db, token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    forged = signing.dumps("nps", {"s": survey.id, "e": 2**40})  # another purpose
    with pytest.raises(Invalid):
        surveys.survey_from_token(db, forged)
    with frozen(T0 + 15 * DAY), pytest.raises(Invalid, match="expired"):
        surveys.survey_from_token(db, token)


def test_one_answer_changeable_for_seven_days(db: Session, factories: SimpleNamespace) -> None:
    with frozen(T0):
        survey = solved_ticket(db, factories)
        surveys.answer(db, survey=survey, rating="4", comment="Quick and kind")
    with frozen(T0 + 6 * DAY):
        surveys.answer(db, survey=survey, rating=5, comment="Even better on reflection")
    assert survey.rating == 5 and survey.answered_at == T0 and survey.changed_at == T0 + 6 * DAY
    assert db.scalar(select(func.count()).select_from(CsatSurvey)) >= 1
    with frozen(T0 + 8 * DAY), pytest.raises(Conflict, match="no longer"):
        surveys.answer(db, survey=survey, rating=1)
    assert survey.rating == 5
    assert count(db, FeedbackEventKind.survey_answered) == 1
    assert count(db, FeedbackEventKind.survey_changed) == 1
    with pytest.raises(Invalid):
        surveys.answer(db, survey=survey, rating="7")


def test_bad_rating_opens_one_followup_for_the_lead(
    db: Session, factories: SimpleNamespace
) -> None:
    with frozen(T0):
        survey = solved_ticket(db, factories)
        surveys.answer(db, survey=survey, rating="bad", comment="Nobody read my message")
        surveys.answer(db, survey=survey, rating=2)
    found = db.scalars(select(FollowUp).where(FollowUp.survey_id == survey.id)).all()
    assert len(found) == 1
    followup = found[0]
    assert followup.due_at == T0 + timedelta(hours=24)
    assert followup.assignee_id is not None and followup.status == FollowUpStatus.open
    with frozen(T0 + 25 * timedelta(hours=1)):
        followups.check_due(db, followup.id)
        followups.check_due(db, followup.id)  # a second run changes nothing
    assert followup.breached_at == followup.due_at
    assert count(db, FeedbackEventKind.followup_breached) == 1
    followups.update_followup(
        db, followup_id=followup.id, actor=Actor.system(), status=FollowUpStatus.done, note="Called"
    )
    assert followup.done_at is not None and count(db, FeedbackEventKind.followup_done) == 1


def test_good_rating_opens_no_followup(db: Session, factories: SimpleNamespace) -> None:
    survey = solved_ticket(db, factories)
    surveys.answer(db, survey=survey, rating="good")
    assert survey.rating == 5
    assert db.scalar(select(FollowUp.id).where(FollowUp.survey_id == survey.id)) is None


def test_chat_tickets_get_the_survey_in_the_thread(db: Session, factories: SimpleNamespace) -> None:
    survey = solved_ticket(db, factories, channel="chat")
    bodies = db.scalars(select(Message.body_text).where(Message.ticket_id == survey.ticket_id))
    assert any("/survey/" in body for body in bodies)


def test_nps_round_once_per_due_date(db: Session, factories: SimpleNamespace) -> None:
    org = factories.org()
    factories.customer(organization_id=org.id)
    factories.customer(organization_id=org.id)
    with frozen(T0):
        nps.set_program(
            db, organization_id=org.id, enabled=True, every_days=30, actor=Actor.system()
        )
        assert nps.send_due(db) == 2
        assert nps.send_due(db) == 0
    with frozen(T0 + 31 * DAY):
        assert nps.send_due(db) == 2
    newest = select(NpsSurvey).where(NpsSurvey.organization_id == org.id)
    survey = db.scalars(newest.order_by(NpsSurvey.id.desc())).first()
    assert survey is not None
    with frozen(T0 + 31 * DAY):
        assert nps.survey_from_token(db, nps.token_for(survey)).id == survey.id
        nps.answer(db, survey=survey, score="9", comment="Great support")
    assert survey.score == 9
    with pytest.raises(Invalid):
        nps.answer(db, survey=survey, score="11")
