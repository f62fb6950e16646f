"""Assessments on both databases: evidence proposed from the desk's own data, answers,
completion, levels, delta since the previous assessment, and the plan."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role
from csops.domains.maturity import report, service
from csops.domains.maturity.model import load
from csops.domains.maturity.schemas import AnswerIn, AssessmentCreate
from csops.domains.maturity.scoring import Answer
from csops.domains.tickets import thread
from csops.domains.tickets.schemas import MessageCreate
from csops.errors import Conflict, NotFound, PermissionDenied
from tests.factories.tickets import make_ticket

SYSTEM = Actor.system()


def test_an_empty_desk_shows_missing_evidence_not_guesses(db: Session) -> None:
    found = service.propose(db)
    assert found["COM-2.3"] is not None and found["COM-2.3"].status == "not_met"
    assert found["COM-2.1"] is not None and found["COM-2.1"].status == "missing"
    assert found["ORG-2.4"] is None  # no collector: the manager judges it


def test_a_desk_that_answers_its_tickets_meets_the_ticket_system_practice(
    db: Session, factories: SimpleNamespace
) -> None:
    agent = Actor.for_user(factories.user(role=Role.agent))
    tickets = [make_ticket(db) for _ in range(4)]
    for ticket in tickets[:3]:
        thread.add_message(
            db, ticket_id=ticket.id, data=MessageCreate(body="On it", public=True), actor=agent
        )
    found = service.propose(db)
    ticket_system = found["COM-2.3"]
    assert ticket_system is not None
    assert ticket_system.status == "partial"  # 3 of 4 answered: 75 % < 80 %
    assert "4 tickets" in ticket_system.figure and "75.0 %" in ticket_system.figure
    thread.add_message(
        db, ticket_id=tickets[3].id, data=MessageCreate(body="Done", public=True), actor=agent
    )
    assert service.propose(db)["COM-2.3"].status == "met"  # type: ignore[union-attr]


def test_services_without_an_owning_team_fall_short(
    db: Session, factories: SimpleNamespace
) -> None:
    team = factories.team()
    factories.service(owning_team=team)
    factories.service(owning_team=None)
    found = service.propose(db)["ORG-2.1"]
    assert found is not None and found.status == "partial"
    assert "1 of 2 services" in found.figure


def _answer_all(db: Session, assessment_id: int, levels: tuple[int, ...], actor: Actor) -> None:
    answers = [
        AnswerIn(practice_id=p.id, answer=Answer.in_place)
        for p in load().practices
        if p.level in levels
    ]
    service.save_answers(
        db, assessment_id=assessment_id, answers=answers, actor=actor, complete=True
    )


def test_assessments_score_compare_and_plan(db: Session, factories: SimpleNamespace) -> None:
    manager = Actor.for_user(factories.user(role=Role.manager))
    first = service.create_assessment(
        db, data=AssessmentCreate(title="Q3", prefill_from_evidence=False), actor=manager
    )
    assert len(first.answers) == 69
    _answer_all(db, first.id, (2,), manager)
    res = service.result(db, first)
    assert res.overall == 2 and res.previous is None
    assert {item.target_level for item in res.plan} == {3}
    org_plan = [item.practice.id for item in res.plan if item.capability == "ORG"]
    assert org_plan == ["ORG-3.1", "ORG-3.2", "ORG-3.3", "ORG-3.4", "ORG-3.5"]

    second = service.create_assessment(
        db, data=AssessmentCreate(title="Q4", prefill_from_evidence=False), actor=manager
    )
    _answer_all(db, second.id, (2, 3), manager)
    res2 = service.result(db, second)
    assert res2.previous is not None and res2.previous.id == first.id
    assert res2.delta == dict.fromkeys(res2.scores, 1)
    md = report.markdown(res2)
    assert "**Overall level: 3**" in md and "ORG-4.1" in md and "建立紧急情况响应和处理中心" in md
    assert report.pdf(res2).startswith(b"%PDF")


def test_completed_assessments_are_frozen_and_agents_only_read(
    db: Session, factories: SimpleNamespace
) -> None:
    admin = Actor.for_user(factories.user(role=Role.admin))
    agent = Actor.for_user(factories.user(role=Role.agent))
    with pytest.raises(PermissionDenied):
        service.create_assessment(db, data=AssessmentCreate(), actor=agent)
    a = service.create_assessment(db, data=AssessmentCreate(), actor=admin)
    assert service.get_assessment(db, assessment_id=a.id, actor=agent).id == a.id
    _answer_all(db, a.id, (2,), admin)
    with pytest.raises(Conflict):
        _answer_all(db, a.id, (2,), admin)
    with pytest.raises(NotFound):
        service.save_answers(
            db,
            assessment_id=service.create_assessment(db, data=AssessmentCreate(), actor=admin).id,
            answers=[AnswerIn(practice_id="ORG-2.9", answer=Answer.partly)],
            actor=admin,
        )
    customer = Actor(kind="customer", id=1)
    with pytest.raises(NotFound):
        service.list_assessments(db, actor=customer)
