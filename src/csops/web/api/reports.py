"""API routes of reports: KPIs for a period and scope (staff; scope reports:read)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.reports import archive, forecasting, service
from csops.domains.reports.models import ReportArchive
from csops.domains.reports.schemas import (
    BacklogOut,
    ForecastOut,
    KpisOut,
    ReportCreate,
    ReportOut,
    TimingOut,
    VolumeOut,
)
from csops.domains.tickets.models import Channel
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import scoped
from csops.web.deps import SessionDep

router = APIRouter(tags=["reports"], route_class=ApiRoute)
Reader = Annotated[Actor, Depends(scoped("reports:read", staff=True))]
Writer = Annotated[Actor, Depends(scoped("reports:write", staff=True))]
OptionalId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


@router.get("/reports/kpis", response_model=KpisOut, summary="KPIs of the last N days")
def get_kpis(
    session: SessionDep,
    actor: Reader,
    days: Annotated[int, Query(description="7, 30, 90 or 365")] = 30,
    team_id: OptionalId = None,
    agent_id: OptionalId = None,
    service_id: OptionalId = None,
    organization_id: OptionalId = None,
    channel: Annotated[Channel | None, Query()] = None,
) -> KpisOut:
    f = service.last_days(
        days,
        team_id=team_id,
        agent_id=agent_id,
        service_id=service_id,
        organization_id=organization_id,
        channel=channel.value if channel else None,
    )
    board = service.staff_dashboard(session, f=f, actor=actor)
    return KpisOut(
        start=f.start,
        end=f.end,
        volume=VolumeOut.model_validate(asdict(board.volume)),
        first_response=TimingOut.model_validate(asdict(board.first_response)),
        resolution=TimingOut.model_validate(asdict(board.resolution)),
        backlog=BacklogOut.model_validate(asdict(board.backlog)),
        reopen_rate=board.reopen_rate,
        one_touch_rate=board.one_touch_rate,
        extra=board.extra,
    )


def _out(row: ReportArchive) -> ReportOut:
    return ReportOut(
        id=row.id,
        kind=row.kind.value,
        period_key=row.period_key,
        title=row.title,
        start=row.start,
        end=row.end,
        summary=row.summary,
        created_at=row.created_at,
    )


@router.get("/reports/archive", response_model=list[ReportOut], summary="Archived reports")
def list_reports(
    session: SessionDep,
    actor: Reader,
    kind: Annotated[Literal["daily", "weekly", "monthly"] | None, Query()] = None,
) -> list[ReportOut]:
    return [_out(r) for r in archive.list_reports(session, actor=actor, kind=kind)]


@router.post(
    "/reports/archive",
    response_model=ReportOut,
    status_code=201,
    summary="Generate (or regenerate) the report of a period; managers only",
)
def create_report(session: SessionDep, actor: Writer, data: ReportCreate) -> ReportOut:
    return _out(archive.generate(session, kind=data.kind, key=data.period, actor=actor))


@router.get("/reports/archive/{report_id}", response_model=ReportOut, summary="One report")
def get_report(session: SessionDep, actor: Reader, report_id: int) -> ReportOut:
    return _out(archive.get_report(session, report_id=report_id, actor=actor))


@router.get(
    "/reports/archive/{report_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The report as PDF"}},
    summary="One report as PDF",
)
def get_report_pdf(session: SessionDep, actor: Reader, report_id: int) -> Response:
    row = archive.get_report(session, report_id=report_id, actor=actor)
    name = f"{row.kind.value}-{row.period_key}.pdf"
    return Response(
        row.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@router.get("/reports/forecast", response_model=ForecastOut, summary="Volume forecast")
def get_forecast(
    session: SessionDep,
    actor: Reader,
    team_id: OptionalId = None,
    horizon: Annotated[int, Query(description="7 or 28 days")] = 7,
    handle_minutes: Annotated[float | None, Query(gt=0, le=1440)] = None,
    hours_per_agent: Annotated[float | None, Query(gt=0, le=24)] = None,
    occupancy: Annotated[float | None, Query(gt=0, le=1)] = None,
) -> ForecastOut:
    """Staffing inputs default to CSOPS_FORECAST_HANDLE_MINUTES, _HOURS_PER_AGENT, _OCCUPANCY."""
    settings = get_settings()
    fc = forecasting.queue_forecast(
        session,
        actor=actor,
        team_id=team_id,
        horizon=horizon,
        handle_minutes=handle_minutes or settings.forecast_handle_minutes,
        hours_per_agent=hours_per_agent or settings.forecast_hours_per_agent,
        occupancy=occupancy or settings.forecast_occupancy,
    )
    return ForecastOut(
        team_id=fc.team_id,
        method=fc.forecast.method,
        level=fc.forecast.level,
        history_days=fc.history_days,
        history=fc.history,
        days=fc.days,
        mean=fc.forecast.mean,
        lower=fc.forecast.lower,
        upper=fc.forecast.upper,
        agents=fc.agents,
    )
