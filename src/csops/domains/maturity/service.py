"""Self-assessments: create (with evidence proposed from csops's data), answer, complete,
score, compare with the previous one, and plan the next level."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.maturity import evidence_desk, evidence_ops  # noqa: F401 (collectors)
from csops.domains.maturity.evidence import Evidence, collect
from csops.domains.maturity.model import MaturityModel, Practice, load
from csops.domains.maturity.models import Assessment, AssessmentAnswer, AssessmentStatus
from csops.domains.maturity.schemas import AnswerIn, AssessmentCreate
from csops.domains.maturity.scoring import Answer, CapabilityScore, delta, overall, profile
from csops.errors import Conflict, NotFound, PermissionDenied

EDITORS = ("manager", "admin")


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise NotFound("not found")


def require_editor(actor: Actor) -> None:
    require_staff(actor)
    if actor.role is not None and actor.role.value not in EDITORS:
        raise PermissionDenied("only managers and admins run maturity assessments")


def propose(session: Session, model: MaturityModel | None = None) -> dict[str, Evidence | None]:
    """The evidence csops can show now, per practice (None: no collector for it)."""
    model = model or load()
    at = now()
    cache: dict[str, Evidence | None] = {}
    found: dict[str, Evidence | None] = {}
    for practice in model.practices:
        name = practice.evidence
        if name is not None and name not in cache:
            cache[name] = collect(session, name, at)
        found[practice.id] = cache.get(name) if name else None
    return found


def create_assessment(session: Session, *, data: AssessmentCreate, actor: Actor) -> Assessment:
    require_editor(actor)
    model = load()
    proposed = propose(session, model)
    assessment = Assessment(
        title=data.title,
        model_version=model.version,
        created_by_id=actor.id if actor.kind == "user" else None,
    )
    for practice in model.practices:
        found = proposed[practice.id]
        suggested = found.suggested if found and data.prefill_from_evidence else None
        assessment.answers.append(
            AssessmentAnswer(
                practice_id=practice.id,
                answer=suggested or Answer.not_in_place,
                evidence=found.as_dict() if found else {},
            )
        )
    session.add(assessment)
    session.flush()
    return assessment


def get_assessment(session: Session, *, assessment_id: int, actor: Actor) -> Assessment:
    require_staff(actor)
    assessment = session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound(f"assessment {assessment_id} not found")
    return assessment


def list_assessments(session: Session, *, actor: Actor) -> Sequence[Assessment]:
    require_staff(actor)
    query = select(Assessment).order_by(Assessment.created_at.desc(), Assessment.id.desc())
    return session.scalars(query).all()


def save_answers(
    session: Session,
    *,
    assessment_id: int,
    answers: Sequence[AnswerIn],
    actor: Actor,
    complete: bool = False,
) -> Assessment:
    require_editor(actor)
    assessment = get_assessment(session, assessment_id=assessment_id, actor=actor)
    if assessment.status == AssessmentStatus.completed:
        raise Conflict("this assessment is completed; start a new one to record changes")
    model = load(assessment.model_version)
    rows = {a.practice_id: a for a in assessment.answers}
    stamp = now()
    for item in answers:
        if model.practice(item.practice_id) is None:
            raise NotFound(f"no practice {item.practice_id} in model v{model.version}")
        row = rows.get(item.practice_id)
        if row is None:
            row = AssessmentAnswer(practice_id=item.practice_id, answer=item.answer, evidence={})
            assessment.answers.append(row)
        row.answer, row.note, row.evidence_link = item.answer, item.note, item.evidence_link
        row.updated_at = stamp
    assessment.updated_at = stamp
    if complete:
        assessment.status = AssessmentStatus.completed
        assessment.completed_at = stamp
    session.flush()
    return assessment


def delete_assessment(session: Session, *, assessment_id: int, actor: Actor) -> None:
    require_editor(actor)
    session.delete(get_assessment(session, assessment_id=assessment_id, actor=actor))
    session.flush()


@dataclass
class PlanItem:
    capability: str
    target_level: int
    practice: Practice
    evidence: Evidence | None


@dataclass
class AssessmentResult:
    assessment: Assessment
    model: MaturityModel
    scores: dict[str, CapabilityScore]
    overall: int
    delta: dict[str, int]
    previous: Assessment | None
    plan: list[PlanItem] = field(default_factory=list)

    def answer(self, practice_id: str) -> AssessmentAnswer | None:
        return next((a for a in self.assessment.answers if a.practice_id == practice_id), None)


def answers_of(assessment: Assessment) -> dict[str, Answer]:
    return {a.practice_id: Answer(a.answer) for a in assessment.answers}


def _evidence_of(row: AssessmentAnswer | None) -> Evidence | None:
    if row is None or not row.evidence:
        return None
    e = row.evidence
    return Evidence(e.get("status", "missing"), e.get("figure", ""), e.get("detail", ""))


def previous_of(session: Session, assessment: Assessment) -> Assessment | None:
    query = (
        select(Assessment)
        .where(
            Assessment.status == AssessmentStatus.completed,
            Assessment.id != assessment.id,
            Assessment.created_at <= assessment.created_at,
        )
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def result(session: Session, assessment: Assessment) -> AssessmentResult:
    model = load(assessment.model_version)
    scores = profile(model, answers_of(assessment))
    previous = previous_of(session, assessment)
    before = profile(load(previous.model_version), answers_of(previous)) if previous else None
    rows = {a.practice_id: a for a in assessment.answers}
    plan = [
        PlanItem(s.capability, s.level + 1, p, _evidence_of(rows.get(p.id)))
        for s in scores.values()
        for p in s.blockers
    ]
    return AssessmentResult(
        assessment=assessment,
        model=model,
        scores=scores,
        overall=overall(scores),
        delta=delta(scores, before),
        previous=previous,
        plan=plan,
    )
