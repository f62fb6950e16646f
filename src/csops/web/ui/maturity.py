"""HTML pages of the maturity assessment: the profile with its radar chart and plan, and the
assessment form (one answer, note and evidence link per practice)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from csops.domains.maturity import service
from csops.domains.maturity.schemas import AnswerIn, AssessmentCreate
from csops.domains.maturity.scoring import Answer
from csops.errors import CsopsError, Invalid
from csops.web.deps import SessionDep
from csops.web.ui.auth import Text, sidebar_views
from csops.web.ui.common import Page, StaffPage, problem_text
from csops.web.ui.flash import flash_redirect, show

router = APIRouter(prefix="/maturity")
FormError = (ValidationError, CsopsError)


def radar_spec(res: service.AssessmentResult, locale: str) -> dict[str, Any]:
    caps = res.model.capabilities
    datasets: list[dict[str, Any]] = [
        {
            "label": res.assessment.title,
            "data": [res.scores[c.id].level for c in caps],
            "borderColor": "#2563eb",
            "backgroundColor": "rgba(37, 99, 235, 0.2)",
        }
    ]
    if res.previous is not None:
        datasets.append(
            {
                "label": res.previous.title,
                "data": [res.scores[c.id].level - res.delta[c.id] for c in caps],
                "borderColor": "#64748b",
                "borderDash": [6, 4],
                "backgroundColor": "rgba(100, 116, 139, 0.05)",
            }
        )
    return {
        "type": "radar",
        "data": {"labels": [c.name(locale) for c in caps], "datasets": datasets},
        "options": {"scales": {"r": {"min": 0, "max": 5, "ticks": {"stepSize": 1}}}},
    }


def _show(page: Page, session: Session, name: str, status: int = 200, **extra: Any) -> Response:
    return show(page, name, status, views=sidebar_views(session, page), **extra)


@router.get("")
def overview(page: StaffPage, session: SessionDep) -> Response:
    rows = service.list_assessments(session, actor=page.actor)
    results = [service.result(session, a) for a in rows]
    latest = next((r for r in results if r.assessment.status.value == "completed"), None)
    latest = latest or (results[0] if results else None)
    return _show(
        page,
        session,
        "maturity/overview.html",
        results=results,
        latest=latest,
        radar=radar_spec(latest, page.locale) if latest else None,
        can_edit=page.actor.role is None or page.actor.role.value in service.EDITORS,
    )


@router.post("")
def start(
    page: StaffPage, session: SessionDep, title: Text = "", csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    try:
        data = AssessmentCreate(title=title or "Customer-service maturity")
        with session.begin_nested():
            assessment = service.create_assessment(session, data=data, actor=page.actor)
    except FormError as exc:
        return flash_redirect(page.request, "/maturity", "not-saved", reason=problem_text(exc))
    return flash_redirect(page.request, f"/maturity/{assessment.id}", "assessment-created")


@router.get("/{assessment_id}")
def detail(page: StaffPage, session: SessionDep, assessment_id: int) -> Response:
    assessment = service.get_assessment(session, assessment_id=assessment_id, actor=page.actor)
    res = service.result(session, assessment)
    return _show(
        page,
        session,
        "maturity/assessment.html",
        res=res,
        radar=radar_spec(res, page.locale),
        answers=list(Answer),
        editable=assessment.status.value == "draft"
        and (page.actor.role is None or page.actor.role.value in service.EDITORS),
    )


async def _answers(request: Request, res: service.AssessmentResult) -> list[AnswerIn]:
    form = await request.form()
    found = []
    for practice in res.model.practices:
        value = form.get(f"answer:{practice.id}")
        if value is None:
            continue
        if not isinstance(value, str) or value not in Answer.__members__:
            raise Invalid(f"{practice.id}: choose not in place, partly or in place")
        note, link = form.get(f"note:{practice.id}", ""), form.get(f"link:{practice.id}", "")
        found.append(
            AnswerIn(
                practice_id=practice.id,
                answer=Answer(value),
                note=note if isinstance(note, str) else "",
                evidence_link=link if isinstance(link, str) else "",
            )
        )
    if not found:
        raise Invalid("answer at least one practice")
    return found


@router.post("/{assessment_id}")
async def save(
    page: StaffPage,
    session: SessionDep,
    assessment_id: int,
    action: Text = "save",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    url = f"/maturity/{assessment_id}"
    assessment = service.get_assessment(session, assessment_id=assessment_id, actor=page.actor)
    try:
        answers = await _answers(page.request, service.result(session, assessment))
        with session.begin_nested():
            service.save_answers(
                session,
                assessment_id=assessment_id,
                answers=answers,
                actor=page.actor,
                complete=action == "complete",
            )
    except FormError as exc:
        return flash_redirect(page.request, url, "not-saved", reason=problem_text(exc))
    code = "assessment-completed" if action == "complete" else "assessment-saved"
    return flash_redirect(page.request, url, code)
