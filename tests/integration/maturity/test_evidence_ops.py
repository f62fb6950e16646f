"""Small desks at different maturity, built in the database: the evidence csops proposes
and the levels it leads to (SLAs, on-call backups, drills)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import update
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role
from csops.domains.maturity import service
from csops.domains.maturity.schemas import AnswerIn, AssessmentCreate
from csops.domains.maturity.scoring import Answer
from csops.domains.oncall.models import Drill, DrillStatus, Layer, Schedule, ScheduleRole
from csops.domains.sla.models import SlaPolicy, SlaStatus, TicketSla
from tests.factories.tickets import make_ticket

SYSTEM = Actor.system()


def _status(db: Session, practice: str) -> str:
    found = service.propose(db)[practice]
    assert found is not None
    return found.status


def test_no_sla_policy_versus_policies_with_attainment(db: Session) -> None:
    assert _status(db, "PER-3.1") == "not_met"  # sla_policies
    assert _status(db, "RSP-4.1") == "missing"  # attainment: nothing to measure
    db.add(SlaPolicy(name="Everything", first_response_minutes=60, resolution_minutes=480))
    db.flush()
    tickets = [make_ticket(db) for _ in range(4)]
    slas = db.query(TicketSla).all()
    assert {s.ticket_id for s in slas} == {t.id for t in tickets}  # planned by the SLA hooks
    assert _status(db, "PER-3.1") == "met"
    first = [s for s in slas if s.metric.value == "first_response"]
    outcomes = [SlaStatus.achieved] * 3 + [SlaStatus.breached]
    for row, outcome in zip(first, outcomes, strict=True):
        db.execute(update(TicketSla).where(TicketSla.id == row.id).values(status=outcome))
    attainment = service.propose(db)["RSP-4.1"]
    assert attainment is not None and attainment.status == "partial"
    assert "75.0 % of 4 SLA targets" in attainment.figure


def _schedule(db: Session, team_id: int, role: ScheduleRole, user_id: int) -> None:
    schedule = Schedule(name=f"{role.value} {team_id}", team_id=team_id, role=role)
    schedule.layers.append(Layer(participant_ids=[user_id], starts_local="2026-01-05T09:00:00"))
    db.add(schedule)
    db.flush()


def test_on_call_backups_and_drills_move_the_organization_level(
    db: Session, factories: SimpleNamespace
) -> None:
    team = factories.team()
    user = factories.user(role=Role.agent, teams=[team])
    factories.service(owning_team=team)
    make_ticket(db, team_id=team.id)  # KPIs per team need a ticket of the team
    _schedule(db, team.id, ScheduleRole.primary, user.id)
    assert _status(db, "ORG-2.3") == "not_met"  # a primary but no backup

    def org_level() -> int:
        assessment = service.create_assessment(db, data=AssessmentCreate(), actor=SYSTEM)
        manual = AnswerIn(practice_id="ORG-2.4", answer=Answer.in_place)  # no evidence for it
        service.save_answers(db, assessment_id=assessment.id, answers=[manual], actor=SYSTEM)
        return service.result(db, assessment).scores["ORG"].level

    assert org_level() == 1
    _schedule(db, team.id, ScheduleRole.backup, user.id)
    assert _status(db, "ORG-2.3") == "met"
    assert org_level() == 2

    assert _status(db, "ORG-5.4") == "not_met"  # no drill
    started = now() - timedelta(days=3)
    db.add(
        Drill(
            team_id=team.id,
            title="Unannounced",
            status=DrillStatus.completed,
            scheduled_for=started,
            started_at=started,
            seconds_to_ack=240,
        )
    )
    db.flush()
    drill = service.propose(db)["ORG-5.4"]
    assert drill is not None and drill.status == "met"
    assert "median time to acknowledge 4.0 min" in drill.figure
