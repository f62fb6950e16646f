"""HTML pages of the journeys area: the CX page (SLOs and history per environment side by
side), a journey (its YAML, editable by managers and admins, and its runs), a run (steps,
excerpts, failure screenshots), configuration drift, and spec import.

Charts are <canvas data-chart> elements drawn by app.js with the vendored Chart.js.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from csops.domains.journeys import cx, drift_store, service
from csops.domains.journeys.drift import side_by_side
from csops.errors import CsopsError, NotFound
from csops.i18n.labels import N_
from csops.web.api.pagination import Id
from csops.web.deps import SessionDep
from csops.web.ui.auth import Text, sidebar_views
from csops.web.ui.common import Page, StaffPage, problem_text
from csops.web.ui.flash import flash_redirect, register_messages, show

router = APIRouter(prefix="/cx")
register_messages(
    {
        "journey-saved": ("ok", N_("Journey saved")),
        "journey-run-queued": ("ok", N_("Run queued in %(envs)s")),
        "spec-imported": ("ok", N_("Imported %(journeys)s journey(s)")),
    }
)


def _show(page: Page, session: Session, name: str, status: int = 200, **extra: Any) -> Response:
    return show(page, name, status, views=sidebar_views(session, page), **extra)


def chart(cell: cx.Cell) -> dict[str, Any]:
    """A Chart.js spec for one environment's daily history (drawn by app.js)."""
    return {
        "data": {
            "labels": cell.days,
            "datasets": [
                {
                    "type": "bar",
                    "label": "success %",
                    "data": cell.success_series,
                    "yAxisID": "y",
                    "backgroundColor": "#3c9d5d",
                },
                {
                    "type": "line",
                    "label": "p95 ms",
                    "data": cell.p95_series,
                    "yAxisID": "ms",
                    "borderColor": "#b42330",
                },
            ],
        },
        "options": {
            "scales": {
                "y": {"min": 0, "max": 100},
                "ms": {"position": "right", "beginAtZero": True},
            }
        },
    }


@router.get("")
def cx_page(page: StaffPage, session: SessionDep) -> Response:
    envs, rows = cx.overview(session)
    return _show(
        page,
        session,
        "journeys/cx.html",
        envs=envs,
        rows=rows,
        chart=chart,
        warnings=len(drift_store.open_warnings(session)),
        can_edit=_can_edit(page),
    )


def _can_edit(page: Page) -> bool:
    try:
        service.require_editor(page.actor)
    except CsopsError:
        return False
    return True


@router.get("/journeys/{journey_id}")
def journey_page(journey_id: Id, page: StaffPage, session: SessionDep) -> Response:
    journey = service.get_journey(session, journey_id=journey_id)
    return _journey(page, session, journey.id, text=journey.spec_text)


def _journey(
    page: Page,
    session: Session,
    journey_id: int,
    *,
    text: str,
    status: int = 200,
    error: str = "",
) -> Response:
    journey = service.get_journey(session, journey_id=journey_id)
    _envs, rows = cx.overview(session)
    row = next((r for r in rows if r.journey.id == journey.id), None)
    return _show(
        page,
        session,
        "journeys/journey.html",
        status,
        journey=journey,
        row=row,
        text=text,
        error=error,
        runs=service.list_runs(session, journey_id=journey.id, limit=30),
        environments=service.list_environments(session),
        can_edit=_can_edit(page),
        chart=chart,
    )


@router.post("/journeys/{journey_id}")
def save_journey(
    journey_id: Id,
    page: StaffPage,
    session: SessionDep,
    spec_text: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    try:
        service.update_journey_text(
            session, journey_id=journey_id, text=spec_text, actor=page.actor
        )
    except NotFound:
        raise
    except CsopsError as exc:
        session.rollback()
        return flash_redirect(
            page.request, f"/cx/journeys/{journey_id}", "not-saved", reason=problem_text(exc)
        )
    return flash_redirect(page.request, f"/cx/journeys/{journey_id}", "journey-saved")


@router.post("/journeys/{journey_id}/run")
def run_journey(
    journey_id: Id,
    page: StaffPage,
    session: SessionDep,
    environment: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    try:
        names = service.enqueue_run(
            session, journey_id=journey_id, environment=environment[:100] or None, actor=page.actor
        )
    except NotFound as exc:
        if "environment" not in exc.detail:
            raise
        return flash_redirect(
            page.request, f"/cx/journeys/{journey_id}", "not-saved", reason=problem_text(exc)
        )
    return flash_redirect(
        page.request,
        f"/cx/journeys/{journey_id}",
        "journey-run-queued",
        envs=", ".join(names) or "-",
    )


@router.post("/specs")
def import_spec(
    page: StaffPage, session: SessionDep, spec_text: Text = "", csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    try:
        done = service.import_spec(session, text=spec_text, actor=page.actor)
    except CsopsError as exc:
        session.rollback()
        return flash_redirect(page.request, "/cx", "not-saved", reason=problem_text(exc))
    return flash_redirect(page.request, "/cx", "spec-imported", journeys=str(len(done["journeys"])))


@router.get("/runs/{journey_run_id}")
def run_page(journey_run_id: Id, page: StaffPage, session: SessionDep) -> Response:
    run = service.get_run(session, run_id=journey_run_id)
    return _show(page, session, "journeys/run.html", run=run)


@router.get("/runs/{journey_run_id}/screenshots/{shot_index}")
def screenshot(
    journey_run_id: Id,
    shot_index: Annotated[int, PathParam(ge=0, le=1000)],
    page: StaffPage,
    session: SessionDep,
) -> Response:
    run = service.get_run(session, run_id=journey_run_id)
    steps = run.steps or []
    name = steps[shot_index].get("screenshot") if shot_index < len(steps) else None
    path = service.screenshots_dir() / str(name or "")
    if not name or not path.is_file():
        raise NotFound("no screenshot")
    return FileResponse(path, media_type="image/png")


@router.get("/drift")
def drift_page(
    page: StaffPage,
    session: SessionDep,
    a: Annotated[str, Query(max_length=100)] = "",
    b: Annotated[str, Query(max_length=100)] = "",
    probe: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    envs = service.list_environments(session)
    probes = drift_store.probes(session)
    by_name = {e.name: e for e in envs}
    env_a = by_name.get(a) or (envs[0] if envs else None)
    env_b = by_name.get(b) or (envs[1] if len(envs) > 1 else None)
    probe = probe if probe in probes else (probes[0] if probes else "")
    rows: list[tuple[str, str, str, bool]] = []
    diffs = []
    if env_a and env_b and probe:
        sa = drift_store.latest(session, env_a.id, probe)
        sb = drift_store.latest(session, env_b.id, probe)
        if sa and sb:
            rows = side_by_side(sa.data, sb.data)
        diffs = drift_store.compare(session, a=env_a, b=env_b, probe=probe)
    env_names = {e.id: e.name for e in envs}
    return _show(
        page,
        session,
        "journeys/drift.html",
        envs=envs,
        probes=probes,
        env_a=env_a,
        env_b=env_b,
        probe=probe,
        rows=rows,
        diffs={d.key: d for d in diffs},
        warnings=drift_store.open_warnings(session),
        env_names=env_names,
    )
