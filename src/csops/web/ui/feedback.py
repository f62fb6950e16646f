"""UI: public CSAT and NPS survey pages, the portal's way in, and the staff follow-up list.

A survey link never records on GET: link scanners in mail systems open every link, so the
one-click rating in the email opens a page with that rating chosen, and the customer's
click on "Send" (a POST) records it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.models import Organization
from csops.domains.feedback import nps
from csops.domains.feedback import service as feedback
from csops.domains.feedback.models import FollowUpStatus
from csops.domains.sla.policies import require_admin
from csops.errors import Conflict, CsopsError, Invalid, NotFound, PermissionDenied
from csops.i18n.labels import N_
from csops.web.deps import SessionDep
from csops.web.templating import render
from csops.web.ui.auth import FORM_CSRF_COOKIE, Text, form_csrf_ok, form_csrf_value, sidebar_views
from csops.web.ui.common import CustomerPage, StaffPage, locale_for, problem_text, set_cookie
from csops.web.ui.flash import flash_redirect, redirect, register_messages, show

router = APIRouter()
register_messages(
    {
        "followup-saved": ("ok", N_("Follow-up saved")),
        "nps-saved": ("ok", N_("NPS schedule saved")),
    }
)


def _public(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    """A page for anyone holding the link; its form carries the visitor's CSRF cookie."""
    csrf = form_csrf_value(request)
    context = {"locale": locale_for(request, None), "csrf_token": csrf, **ctx}
    response = render(request.app.state.templates, request, name, context, status)
    set_cookie(response, FORM_CSRF_COOKIE, csrf, request.app.state.settings)
    return response


def _check_csrf(request: Request, sent: str) -> None:
    if not form_csrf_ok(request, sent):
        raise PermissionDenied("the form expired; reload the page and try again")


def _status(exc: CsopsError) -> int:
    if isinstance(exc, NotFound):
        return 404
    return 409 if isinstance(exc, Conflict) else 400


# CSAT ----------------------------------------------------------------------------------


@router.get("/portal/requests/{ticket_id}/survey")
def from_portal(page: CustomerPage, session: SessionDep, ticket_id: int) -> RedirectResponse:
    try:
        survey = feedback.survey_for_customer(session, ticket_id=ticket_id, actor=page.actor)
    except Conflict as exc:
        back = f"/portal/requests/{ticket_id}"
        return flash_redirect(page.request, back, "not-saved", reason=problem_text(exc))
    return redirect(f"/survey/{feedback.token_for(survey)}")


def _survey_page(
    request: Request, session: Session, token: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    try:
        survey = feedback.survey_from_token(session, token)
    except CsopsError as exc:
        return _public(request, "feedback/survey.html", _status(exc), error=problem_text(exc))
    chosen = extra.pop("chosen", None) or request.query_params.get("r", "")
    return _public(
        request,
        "feedback/survey.html",
        status,
        survey=survey,
        token=token,
        chosen=str(survey.rating or "") if not chosen else chosen,
        changeable=feedback.can_change(survey),
        done=request.query_params.get("done") == "1",
        **extra,
    )


@router.get("/survey/{survey_token}", response_class=HTMLResponse)
def survey_page(request: Request, session: SessionDep, survey_token: str) -> HTMLResponse:
    return _survey_page(request, session, survey_token)


@router.post("/survey/{survey_token}", response_model=None)
def survey_answer(
    request: Request,
    session: SessionDep,
    survey_token: str,
    csrf_token: Text = "",
    rating: Text = "",
    comment: Text = "",
) -> Response:
    _check_csrf(request, csrf_token)
    try:
        survey = feedback.survey_from_token(session, survey_token)
        feedback.answer(session, survey=survey, rating=rating, comment=comment[:5000])
    except CsopsError as exc:
        session.rollback()
        return _survey_page(
            request, session, survey_token, _status(exc), error=problem_text(exc), chosen=rating[:2]
        )
    return redirect(f"/survey/{survey_token}?done=1")


# NPS -----------------------------------------------------------------------------------


def _nps_page(
    request: Request, session: Session, token: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    try:
        survey = nps.survey_from_token(session, token)
    except CsopsError as exc:
        return _public(request, "feedback/nps.html", _status(exc), error=problem_text(exc))
    return _public(
        request,
        "feedback/nps.html",
        status,
        survey=survey,
        token=token,
        done=request.query_params.get("done") == "1",
        **extra,
    )


@router.get("/survey/nps/{nps_token}", response_class=HTMLResponse)
def nps_page(request: Request, session: SessionDep, nps_token: str) -> HTMLResponse:
    return _nps_page(request, session, nps_token)


@router.post("/survey/nps/{nps_token}", response_model=None)
def nps_answer(
    request: Request,
    session: SessionDep,
    nps_token: str,
    csrf_token: Text = "",
    score: Text = "",
    comment: Text = "",
) -> Response:
    _check_csrf(request, csrf_token)
    try:
        survey = nps.survey_from_token(session, nps_token)
        nps.answer(session, survey=survey, score=score[:3], comment=comment[:5000])
    except CsopsError as exc:
        session.rollback()
        return _nps_page(request, session, nps_token, _status(exc), error=problem_text(exc))
    return redirect(f"/survey/nps/{nps_token}?done=1")


# Follow-ups (staff) --------------------------------------------------------------------


@router.get("/followups")
def followups_page(page: StaffPage, session: SessionDep) -> Response:
    rows = feedback.list_followups(session, actor=page.actor, limit=200)
    surveys = {s.id: s for s in feedback.recent(session, limit=500, answered=True)}
    orgs = session.scalars(select(Organization).order_by(Organization.name).limit(500)).all()
    programs = {p.organization_id: p for p in feedback.list_programs(session)}
    return show(
        page,
        "feedback/followups.html",
        views=sidebar_views(session, page),
        followups=rows,
        surveys=surveys,
        orgs=orgs,
        programs=programs,
        can_manage=page.actor.role in ("manager", "admin"),
    )


def _ident(raw: str) -> int:
    if not raw.strip().isdigit() or len(raw.strip()) > 9:
        raise Invalid("choose an organization")
    return int(raw)


@router.post("/followups/nps")
def save_nps(
    page: StaffPage,
    session: SessionDep,
    csrf_token: Text = "",
    organization_id: Text = "",
    every_days: Text = "90",
    enabled: Text = "",
) -> RedirectResponse:
    page.check_csrf(csrf_token)
    try:
        require_admin(page.actor)
        days = int(every_days) if every_days.strip().isdigit() and len(every_days) < 5 else 0
        feedback.set_program(
            session,
            organization_id=_ident(organization_id),
            enabled=enabled == "on",
            every_days=days,
            actor=page.actor,
        )
    except CsopsError as exc:
        session.rollback()
        return flash_redirect(page.request, "/followups", "not-saved", reason=problem_text(exc))
    return flash_redirect(page.request, "/followups", "nps-saved")


@router.post("/followups/{followup_id}")
def save_followup(
    page: StaffPage,
    session: SessionDep,
    followup_id: int,
    csrf_token: Text = "",
    status: Text = "",
    note: Text = "",
) -> RedirectResponse:
    page.check_csrf(csrf_token)
    try:
        wanted = FollowUpStatus(status) if status else None
    except ValueError:
        return flash_redirect(page.request, "/followups", "not-saved", reason="unknown status")
    try:
        feedback.update_followup(
            session, followup_id=followup_id, actor=page.actor, status=wanted, note=note
        )
    except NotFound:
        raise
    except CsopsError as exc:
        session.rollback()
        return flash_redirect(page.request, "/followups", "not-saved", reason=problem_text(exc))
    return flash_redirect(page.request, "/followups", "followup-saved")
