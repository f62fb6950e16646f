"""API routes: the maturity model, self-assessments, their scores, plan and reports.

Staff read; managers and admins create and answer. Scopes: reports:read, reports:write.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from csops.domains.accounts.actor import Actor
from csops.domains.maturity import report, service
from csops.domains.maturity.evidence import Evidence
from csops.domains.maturity.model import load
from csops.domains.maturity.models import Assessment
from csops.domains.maturity.schemas import (
    AnswerOut,
    AnswersIn,
    AssessmentCreate,
    AssessmentOut,
    AssessmentSummary,
    CapabilityModelOut,
    CapabilityOut,
    EvidenceOut,
    ModelOut,
    PlanItemOut,
    PracticeOut,
)
from csops.web.api.idempotency import Created, IdempotencyDep
from csops.web.api.pagination import Id
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import scoped
from csops.web.deps import SessionDep

router = APIRouter(tags=["maturity"], route_class=ApiRoute)
Reader = Annotated[Actor, Depends(scoped("reports:read", staff=True))]
Writer = Annotated[Actor, Depends(scoped("reports:write", staff=True))]
BASE = "/maturity"


def _evidence(value: Evidence | dict[str, str] | None) -> EvidenceOut | None:
    if not value:
        return None
    if isinstance(value, Evidence):
        return EvidenceOut(status=value.status, figure=value.figure, detail=value.detail)
    return EvidenceOut.model_validate(value)


def summary(res: service.AssessmentResult) -> AssessmentSummary:
    a = res.assessment
    return AssessmentSummary(
        id=a.id,
        title=a.title,
        status=a.status.value,
        created_at=a.created_at,
        completed_at=a.completed_at,
        overall_level=res.overall,
        levels={cid: s.level for cid, s in res.scores.items()},
    )


def assessment_out(res: service.AssessmentResult) -> AssessmentOut:
    a = res.assessment
    return AssessmentOut(
        id=a.id,
        title=a.title,
        status=a.status.value,
        model_version=a.model_version,
        created_at=a.created_at,
        completed_at=a.completed_at,
        overall_level=res.overall,
        capabilities=[
            CapabilityOut(
                id=cap.id,
                name=cap.en,
                level=res.scores[cap.id].level,
                delta=res.delta[cap.id],
                completion=res.scores[cap.id].completion,
                blockers=[p.id for p in res.scores[cap.id].blockers],
            )
            for cap in res.model.capabilities
        ],
        answers=[
            AnswerOut(
                practice_id=row.practice_id,
                answer=row.answer,
                note=row.note,
                evidence_link=row.evidence_link,
                evidence=_evidence(row.evidence),
            )
            for row in sorted(a.answers, key=lambda r: r.practice_id)
        ],
        plan=[
            PlanItemOut(
                capability=item.capability,
                target_level=item.target_level,
                practice_id=item.practice.id,
                practice=item.practice.en,
                feature=item.practice.feature.label if item.practice.feature else None,
                link=item.practice.feature.link if item.practice.feature else None,
                evidence=_evidence(item.evidence),
            )
            for item in res.plan
        ],
    )


@router.get(BASE + "/model", response_model=ModelOut, summary="The maturity model")
def get_model(actor: Reader) -> ModelOut:
    model = load()
    return ModelOut(
        version=model.version,
        source=model.source,
        capabilities=[
            CapabilityModelOut(
                id=cap.id,
                zh=cap.zh,
                en=cap.en,
                practices=[
                    PracticeOut(
                        id=p.id,
                        level=p.level,
                        zh=p.zh,
                        en=p.en,
                        evidence=p.evidence,
                        feature=p.feature.label if p.feature else None,
                        link=p.feature.link if p.feature else None,
                    )
                    for p in cap.practices
                ],
            )
            for cap in model.capabilities
        ],
    )


@router.get(
    BASE + "/evidence",
    response_model=dict[str, EvidenceOut | None],
    summary="Evidence csops proposes now, per practice",
)
def get_evidence(session: SessionDep, actor: Reader) -> dict[str, EvidenceOut | None]:
    service.require_staff(actor)
    return {pid: _evidence(found) for pid, found in service.propose(session).items()}


@router.get(
    BASE + "/assessments",
    response_model=list[AssessmentSummary],
    summary="Assessments, newest first",
)
def list_assessments(session: SessionDep, actor: Reader) -> list[AssessmentSummary]:
    rows = service.list_assessments(session, actor=actor)
    return [summary(service.result(session, a)) for a in rows]


@router.post(
    BASE + "/assessments",
    status_code=201,
    response_model=AssessmentOut,
    summary="Start an assessment (answers proposed from evidence)",
)
def create_assessment(
    data: AssessmentCreate, session: SessionDep, actor: Writer, idem: IdempotencyDep
) -> Response:
    def work() -> Created:
        a = service.create_assessment(session, data=data, actor=actor)
        out = assessment_out(service.result(session, a))
        return Created(out, 201, {"Location": f"/api/v1{BASE}/assessments/{a.id}"})

    return idem.run(session, work)


def _get(session: SessionDep, assessment_id: int, actor: Actor) -> Assessment:
    return service.get_assessment(session, assessment_id=assessment_id, actor=actor)


@router.get(
    BASE + "/assessments/{assessment_id}",
    response_model=AssessmentOut,
    summary="An assessment with its levels, delta and plan",
)
def get_assessment(assessment_id: Id, session: SessionDep, actor: Reader) -> AssessmentOut:
    return assessment_out(service.result(session, _get(session, assessment_id, actor)))


@router.patch(
    BASE + "/assessments/{assessment_id}",
    response_model=AssessmentOut,
    summary="Answer practices; `complete: true` closes the assessment",
)
def answer(assessment_id: Id, data: AnswersIn, session: SessionDep, actor: Writer) -> AssessmentOut:
    a = service.save_answers(
        session,
        assessment_id=assessment_id,
        answers=data.answers,
        actor=actor,
        complete=data.complete,
    )
    return assessment_out(service.result(session, a))


@router.get(
    BASE + "/assessments/{assessment_id}/report.md",
    response_class=Response,
    responses={200: {"content": {"text/markdown": {}}}},
    summary="The assessment as Markdown",
)
def report_markdown(assessment_id: Id, session: SessionDep, actor: Reader) -> Response:
    res = service.result(session, _get(session, assessment_id, actor))
    return Response(report.markdown(res), media_type="text/markdown; charset=utf-8")


@router.get(
    BASE + "/assessments/{assessment_id}/report.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
    summary="The assessment as PDF",
)
def report_pdf(assessment_id: Id, session: SessionDep, actor: Reader) -> Response:
    res = service.result(session, _get(session, assessment_id, actor))
    return Response(report.pdf(res), media_type="application/pdf")
