"""HTML pages of reports: the KPI dashboard for staff, and public read-only KPI pages
shared by link (aggregates only, no customer data)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from csops import i18n
from csops.domains.accounts import service as accounts
from csops.domains.reports import archive, forecasting, kpis, service
from csops.domains.tickets.models import Channel
from csops.errors import CsopsError, PermissionDenied
from csops.web.deps import SessionDep
from csops.web.templating import render
from csops.web.ui.auth import Text, sidebar_views
from csops.web.ui.common import StaffPage, locale_for
from csops.web.ui.flash import flash_redirect, not_saved, show

router = APIRouter()
OptionalId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
BLUE, GREY = "#2563eb", "#94a3b8"


def charts(board: kpis.Dashboard) -> dict[str, Any]:
    backlog = board.backlog.by_age
    return {
        "volume": {
            "type": "line",
            "data": {
                "labels": list(board.volume.per_day),
                "datasets": [
                    {
                        "label": i18n.gettext("Tickets"),
                        "data": list(board.volume.per_day.values()),
                        "borderColor": BLUE,
                        "tension": 0.2,
                    }
                ],
            },
            "options": {"plugins": {"legend": {"display": False}}},
        },
        "channel": {
            "type": "bar",
            "data": {
                "labels": list(board.volume.by_channel),
                "datasets": [
                    {"data": list(board.volume.by_channel.values()), "backgroundColor": BLUE}
                ],
            },
            "options": {"plugins": {"legend": {"display": False}}},
        },
        "backlog": {
            "type": "bar",
            "data": {
                "labels": list(backlog),
                "datasets": [{"data": list(backlog.values()), "backgroundColor": GREY}],
            },
            "options": {"plugins": {"legend": {"display": False}}},
        },
    }


def _lists(session: Session, page: Any) -> dict[str, Any]:
    return {
        "teams": accounts.list_teams(session, actor=page.actor),
        "users": accounts.list_users(session, actor=page.actor),
        "services": accounts.list_services(session, actor=page.actor),
        "channels": list(Channel),
    }


@router.get("/kpis")
def kpi_page(
    page: StaffPage,
    session: SessionDep,
    days: Annotated[int, Query()] = 30,
    team_id: OptionalId = None,
    agent_id: OptionalId = None,
    service_id: OptionalId = None,
    channel: Annotated[Channel | None, Query()] = None,
) -> Response:
    scope = {
        "team_id": team_id,
        "agent_id": agent_id,
        "service_id": service_id,
        "channel": channel.value if channel else None,
    }
    f = service.last_days(days, **scope)
    board = service.staff_dashboard(session, f=f, actor=page.actor)
    with i18n.use_locale(page.locale):
        chart_specs = charts(board)
    return show(
        page,
        "reports/kpis.html",
        views=sidebar_views(session, page),
        board=board,
        charts=chart_specs,
        periods=service.PERIODS,
        form={"days": days, **scope},
        shares=service.list_shares(session, actor=page.actor),
        can_share=page.actor.role is None or page.actor.role.value in service.MANAGERS,
        **_lists(session, page),
    )


@router.post("/kpis/shares")
def share(
    page: StaffPage,
    session: SessionDep,
    title: Text = "",
    days: Text = "30",
    team_id: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    try:
        with session.begin_nested():
            _share, token = service.create_share(
                session,
                title=title,
                days=int(days) if days.isdigit() else 0,
                team_id=int(team_id) if team_id.isdigit() else None,
                actor=page.actor,
            )
    except CsopsError as exc:
        return not_saved(page.request, "/kpis", exc)
    base = page.request.app.state.settings.base_url.rstrip("/")
    return flash_redirect(page.request, "/kpis", "kpi-shared", url=f"{base}/kpis/public/{token}")


@router.post("/kpis/shares/{share_id}/revoke")
def revoke(page: StaffPage, session: SessionDep, share_id: int, csrf_token: Text = "") -> Response:
    page.check_csrf(csrf_token)
    try:
        with session.begin_nested():
            service.revoke_share(session, share_id=share_id, actor=page.actor)
    except PermissionDenied as exc:
        return not_saved(page.request, "/kpis", exc)
    return flash_redirect(page.request, "/kpis", "kpi-share-revoked")


@router.get("/kpis/public/{share_token}", response_class=HTMLResponse)
def public_page(share_token: str, request: Request, session: SessionDep) -> HTMLResponse:
    """No login: the link is the credential. Aggregates only."""
    share_row, board = service.public_dashboard(session, token=share_token[:100])
    locale = locale_for(request, None)
    with i18n.use_locale(locale):
        chart_specs = charts(board)
    context = {"share": share_row, "board": board, "charts": chart_specs, "locale": locale}
    response = render(request.app.state.templates, request, "reports/public_kpis.html", context)
    response.headers["Cache-Control"] = "private, max-age=60"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# Archived complaint / perception reports, subscriptions, forecasts.

KINDS = ("daily", "weekly", "monthly")


@router.get("/reports")
def reports_page(
    page: StaffPage, session: SessionDep, kind: Annotated[str | None, Query(max_length=20)] = None
) -> Response:
    chosen = kind if kind in KINDS else None
    return show(
        page,
        "reports/archive.html",
        views=sidebar_views(session, page),
        reports=archive.list_reports(session, actor=page.actor, kind=chosen),
        subscriptions=archive.list_subscriptions(session, actor=page.actor),
        kinds=KINDS,
        kind=chosen,
        is_manager=page.actor.sees_all_tickets,
    )


@router.post("/reports/generate")
def generate_report(
    page: StaffPage, session: SessionDep, kind: Text = "", period: Text = "", csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    try:
        with session.begin_nested():
            report = archive.generate(
                session, kind=kind, key=period.strip() or None, actor=page.actor
            )
    except CsopsError as exc:
        return not_saved(page.request, "/reports", exc)
    return flash_redirect(
        page.request, f"/reports/{report.id}", "report-generated", title=report.title
    )


@router.post("/reports/subscriptions")
def subscribe(
    page: StaffPage, session: SessionDep, kind: Text = "", email: Text = "", csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    try:
        with session.begin_nested():
            archive.subscribe(session, kind=kind, email=email[:320], actor=page.actor)
    except CsopsError as exc:
        return not_saved(page.request, "/reports", exc)
    return flash_redirect(page.request, "/reports", "report-subscribed")


@router.post("/reports/subscriptions/{subscription_id}/delete")
def unsubscribe(
    page: StaffPage, session: SessionDep, subscription_id: int, csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    try:
        with session.begin_nested():
            archive.unsubscribe(session, subscription_id=subscription_id, actor=page.actor)
    except PermissionDenied as exc:
        return not_saved(page.request, "/reports", exc)
    return flash_redirect(page.request, "/reports", "report-unsubscribed")


def forecast_chart(fc: forecasting.QueueForecast, shown_days: int = 56) -> dict[str, Any]:
    history = fc.history[-shown_days:]
    labels = fc.history_days[-shown_days:] + fc.days
    pad = [None] * len(history)
    return {
        "type": "line",
        "data": {
            "labels": labels,
            "datasets": [
                {"label": i18n.gettext("History"), "data": history, "borderColor": BLUE},
                {
                    "label": i18n.gettext("Lower bound"),
                    "data": pad + fc.forecast.lower,
                    "borderColor": "rgba(234,88,12,0.2)",
                    "pointRadius": 0,
                },
                {
                    "label": i18n.gettext("Upper bound"),
                    "data": pad + fc.forecast.upper,
                    "borderColor": "rgba(234,88,12,0.2)",
                    "backgroundColor": "rgba(234,88,12,0.15)",
                    "pointRadius": 0,
                    "fill": "-1",
                },
                {
                    "label": i18n.gettext("Forecast"),
                    "data": pad + fc.forecast.mean,
                    "borderColor": "#ea580c",
                    "borderDash": [6, 4],
                },
            ],
        },
        "options": {"interaction": {"mode": "index", "intersect": False}},
    }


@router.get("/reports/forecast")
def forecast_page(
    page: StaffPage,
    session: SessionDep,
    team_id: OptionalId = None,
    horizon: Annotated[int, Query()] = 7,
    handle_minutes: Annotated[float | None, Query(gt=0, le=1440)] = None,
    hours_per_agent: Annotated[float | None, Query(gt=0, le=24)] = None,
    occupancy: Annotated[float | None, Query(gt=0, le=1)] = None,
) -> Response:
    settings = page.request.app.state.settings
    form: dict[str, Any] = {
        "team_id": team_id,
        "horizon": horizon,
        "handle_minutes": handle_minutes or settings.forecast_handle_minutes,
        "hours_per_agent": hours_per_agent or settings.forecast_hours_per_agent,
        "occupancy": occupancy or settings.forecast_occupancy,
    }
    fc = forecasting.queue_forecast(
        session,
        actor=page.actor,
        team_id=team_id,
        horizon=horizon,
        handle_minutes=form["handle_minutes"],
        hours_per_agent=form["hours_per_agent"],
        occupancy=form["occupancy"],
    )
    with i18n.use_locale(page.locale):
        chart = forecast_chart(fc)
    return show(
        page,
        "reports/forecast.html",
        views=sidebar_views(session, page),
        fc=fc,
        chart=chart,
        form=form,
        horizons=forecasting.HORIZONS,
        teams=accounts.list_teams(session, actor=page.actor),
    )


@router.get("/reports/{report_id}")
def report_page(page: StaffPage, session: SessionDep, report_id: int) -> Response:
    report = archive.get_report(session, report_id=report_id, actor=page.actor)
    return show(page, "reports/report.html", views=sidebar_views(session, page), report=report)
