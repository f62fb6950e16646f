"""Signals page: suspected incidents (confirm / dismiss), live problem clusters with sparklines
and spike markers, and the change and alert timeline drawn on the same time axis; the cluster
page where agents rename, merge and split a cluster; and the suspected incidents in the inbox
(a banner, and a badge on the tickets of an open suspect). Staff only.

Charts are `<canvas data-chart>` specs drawn by app.js (no inline script): the x axis is
milliseconds since the epoch over the same 24 hours for every chart of the page, and app.js
formats it as the viewer's local time (``options.csopsTime``) and draws the change and alert
markers as vertical lines (datasets with ``csopsLines``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops import i18n
from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.signals import service
from csops.domains.signals.models import Alert, Change, ClusterTicket
from csops.domains.tickets.models import Ticket
from csops.errors import Conflict, Invalid, NotFound
from csops.i18n.labels import N_, Nn_
from csops.web.api.pagination import MAX_ID, Id
from csops.web.deps import SessionDep
from csops.web.ui import extensions
from csops.web.ui.auth import Text, ints, sidebar_views
from csops.web.ui.common import StaffPage
from csops.web.ui.flash import flash_redirect, not_saved, redirect, register_messages, show

router = APIRouter(prefix="/signals")
HOURS = 24
INBOX_DAYS = timedelta(days=7)  # older open suspects stay on /signals, off the inbox
BUCKET_MIN = 30
CHART_CLUSTERS = 6
PALETTE = ("#3358d4", "#1c8a5a", "#b7791f", "#7c3aed", "#0e7490", "#be185d")
CHANGE_COLOR, ALERT_COLOR, SPIKE_COLOR = "#2f5bd3", "#d1343e", "#d1343e"
SUSPECTS_LABEL, TICKETS_LABEL = N_("Suspected incidents"), N_("Tickets")
# Fixed-path forms answer in place; one that names a cluster lets NotFound through (a 404).
PathError = (Invalid, Conflict)
Ids = Annotated[list[str], Form()]

register_messages(
    {
        "cluster-renamed": ("ok", N_("Problem renamed")),
        "cluster-merged": ("ok", N_("Merged into problem #%(target)s")),
        "cluster-split": (
            "ok",
            Nn_("%(num)d ticket moved to a new problem", "%(num)d tickets moved to a new problem"),
        ),
    }
)


# -- time axis ------------------------------------------------------------------------------


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _buckets(session: Session, cluster_ids: list[int], start: datetime) -> dict[int, list[int]]:
    n = HOURS * 60 // BUCKET_MIN
    counts = {cid: [0] * n for cid in cluster_ids}
    if not cluster_ids:
        return counts
    rows = session.execute(
        select(ClusterTicket.cluster_id, ClusterTicket.created_at).where(
            ClusterTicket.cluster_id.in_(cluster_ids), ClusterTicket.created_at >= start
        )
    ).all()
    for cid, at in rows:
        counts[cid][min(n - 1, int((at - start).total_seconds() // (BUCKET_MIN * 60)))] += 1
    return counts


def _points(start: datetime, counts: list[int]) -> list[dict[str, int]]:
    half = BUCKET_MIN * 30_000
    return [
        {"x": _ms(start) + i * BUCKET_MIN * 60_000 + half, "y": c} for i, c in enumerate(counts)
    ]


def _events(session: Session, start: datetime) -> list[dict[str, Any]]:
    """Changes and alerts of the period, oldest first, for the list and the chart markers."""
    found: list[dict[str, Any]] = [
        {"at": c.started_at, "kind": c.kind.value, "group": "change",
         "what": f"{c.service_name} {c.version}".strip()}
        for c in session.scalars(select(Change).where(Change.started_at >= start))
    ]  # fmt: skip
    found += [
        {"at": a.starts_at, "kind": f"alert {a.status.value}", "group": "alert",
         "what": f"{a.name} ({a.service_name})" if a.service_name else a.name}
        for a in session.scalars(select(Alert).where(Alert.starts_at >= start))
    ]  # fmt: skip
    return sorted(found, key=lambda e: e["at"])


def _marker_sets(events: list[dict[str, Any]], start: datetime) -> list[dict[str, Any]]:
    sets = []
    for group, label, color, style, y in (
        ("change", N_("Changes"), CHANGE_COLOR, "rectRot", 0.92),
        ("alert", N_("Alerts"), ALERT_COLOR, "triangle", 0.8),
    ):
        points = [
            {"x": _ms(e["at"]), "y": y, "label": f"{e['kind']}: {e['what']}"}
            for e in events
            if e["group"] == group and e["at"] >= start
        ]
        if points:
            sets.append(
                {"type": "scatter", "label": i18n.gettext(label), "data": points, "yAxisID": "yEvents",
                 "pointStyle": style, "pointRadius": 6, "backgroundColor": color,
                 "borderColor": color, "csopsLines": True}
            )  # fmt: skip
    return sets


def _spike_set(spikes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not spikes:
        return []
    return [
        {"type": "scatter", "label": i18n.gettext(SUSPECTS_LABEL), "data": spikes,
         "pointStyle": "star", "pointRadius": 9, "borderWidth": 2,
         "borderColor": SPIKE_COLOR, "backgroundColor": SPIKE_COLOR}
    ]  # fmt: skip


def _axes(start: datetime, end: datetime, *, show: bool) -> dict[str, Any]:
    return {
        "x": {"type": "linear", "min": _ms(start), "max": _ms(end), "display": show,
              "grid": {"display": False},
              "ticks": {"stepSize": 3 * 3_600_000, "includeBounds": False}},
        "y": {"axis": "y", "beginAtZero": True, "display": show, "ticks": {"precision": 0}},
        "yEvents": {"axis": "y", "display": False, "min": 0, "max": 1},
    }  # fmt: skip


def window(at: datetime) -> tuple[datetime, datetime]:
    """The last 24 hours, on bucket boundaries so the buckets fall on :00 and :30."""
    step = BUCKET_MIN * 60
    end = datetime.fromtimestamp((int(at.timestamp()) // step + 1) * step, tz=at.tzinfo)
    return end - timedelta(hours=HOURS), end


def _chart(datasets: list[dict[str, Any]], axes: dict[str, Any], legend: bool) -> dict[str, Any]:
    return {
        "type": "line",
        "data": {"datasets": datasets},
        "options": {
            "csopsTime": True, "parsing": True, "interaction": {"mode": "nearest"},
            "plugins": {"legend": {"display": legend, "position": "bottom"}},
            "scales": axes,
        },
    }  # fmt: skip


def _spikes_for(
    suspects: Sequence[Any], counts: dict[int, list[int]], start: datetime
) -> dict[int, list[dict[str, Any]]]:
    """Spike markers per cluster: a star at the suspect's start, on its cluster's line."""
    out: dict[int, list[dict[str, Any]]] = {}
    for s in suspects:
        if s.cluster_id not in counts or s.started_at < start:
            continue
        line = counts[s.cluster_id]
        index = min(len(line) - 1, int((s.started_at - start).total_seconds() // (BUCKET_MIN * 60)))
        out.setdefault(s.cluster_id, []).append(
            {"x": _ms(s.started_at), "y": line[index], "label": s.title}
        )
    return out


def _line(label: str, points: list[dict[str, int]], color: str, fill: bool) -> dict[str, Any]:
    return {"label": label, "data": points, "borderColor": color, "backgroundColor": color + "22",
            "pointRadius": 0, "borderWidth": 2, "stepped": "after", "fill": fill,
            "yAxisID": "y"}  # fmt: skip


def overview_charts(session: Session, at: datetime, suspects: Sequence[Any]) -> dict[str, Any]:
    """The page's problem chart, each cluster's sparkline and the event list, one time axis;
    `suspects` are the latest ones of any status (their spikes are marked)."""
    start, end = window(at)
    views = service.active_clusters(session, at=at, limit=20)
    views = [v for v in views if v.recent]
    counts = _buckets(session, [v.row.id for v in views], start)
    events = _events(session, start)
    spikes = _spikes_for(suspects, counts, start)
    markers = _marker_sets(events, start)
    lines = [
        _line(v.row.label or f"#{v.row.id}", _points(start, counts[v.row.id]),
              PALETTE[i % len(PALETTE)], False)
        for i, v in enumerate(views[:CHART_CLUSTERS])
    ]  # fmt: skip
    all_spikes = [p for v in views[:CHART_CLUSTERS] for p in spikes.get(v.row.id, [])]
    main = _chart(lines + _spike_set(all_spikes) + markers, _axes(start, end, show=True), True)
    rows = []
    for i, view in enumerate(views):
        color = PALETTE[i % len(PALETTE)] if i < CHART_CLUSTERS else "#667085"
        spark = [_line("", _points(start, counts[view.row.id]), color, True)]
        spark += _spike_set(spikes.get(view.row.id, []))
        spark += [{**m, "pointRadius": 0} for m in markers]
        rows.append({"view": view, "chart": _chart(spark, _axes(start, end, show=False), False)})
    return {"main": main if views or events else None, "rows": rows, "events": events[::-1]}


def _in_locale(page: StaffPage, build: Callable[..., Any], *args: Any) -> Any:
    """Chart specs carry their legend words: built in the viewer's language."""
    with i18n.use_locale(page.locale):
        return build(*args)


@router.get("")
def overview(page: StaffPage, session: SessionDep) -> Response:
    latest = service.list_suspects(session, status=None, limit=50)
    return show(
        page,
        "signals/overview.html",
        views=sidebar_views(session, page),
        suspects=service.list_suspects(session, status="open"),
        decided=latest[:10],
        charts=_in_locale(page, overview_charts, session, now(), latest),
        hours=HOURS,
    )


# -- one cluster ----------------------------------------------------------------------------


def cluster_chart(session: Session, cluster_id: int, at: datetime) -> dict[str, Any]:
    start, end = window(at)
    counts = _buckets(session, [cluster_id], start)
    suspects = service.list_suspects(session, status=None, limit=200)
    spikes = _spikes_for(suspects, counts, start).get(cluster_id, [])
    line = _line(i18n.gettext(TICKETS_LABEL), _points(start, counts[cluster_id]), PALETTE[0], True)
    data = [line, *_spike_set(spikes)]
    data += _marker_sets(_events(session, start), start)
    return _chart(data, _axes(start, end, show=True), True)


@router.get("/clusters/{cluster_id}")
def cluster(page: StaffPage, session: SessionDep, cluster_id: Id) -> Response:
    view = service.cluster_detail(session, cluster_id=cluster_id)
    return show(
        page,
        "signals/cluster.html",
        views=sidebar_views(session, page),
        view=view,
        cluster=view.row,
        targets=[]
        if view.row.merged_into_id
        else service.merge_targets(session, cluster_id=cluster_id),
        chart=_in_locale(page, cluster_chart, session, cluster_id, now()),
        history=[
            {**h, "at": datetime.fromisoformat(h["at"])} for h in view.note.get("history", [])
        ],
        hours=HOURS,
    )


def _back(cluster_id: int) -> str:
    return f"/signals/clusters/{cluster_id}"


@router.post("/clusters/{cluster_id}/rename")
def rename(
    page: StaffPage, session: SessionDep, cluster_id: Id, label: Text = "", csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    service.get_cluster(session, cluster_id)  # 404 for an unknown id
    try:
        with session.begin_nested():
            row = service.rename(session, cluster_id=cluster_id, label=label, actor=page.actor)
    except PathError as exc:
        return not_saved(page.request, _back(cluster_id), exc)
    return flash_redirect(page.request, _back(row.id), "cluster-renamed")


@router.post("/clusters/{cluster_id}/merge")
def merge(
    page: StaffPage, session: SessionDep, cluster_id: Id, into_id: Text = "", csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    service.get_cluster(session, cluster_id)  # 404 for an unknown id
    try:
        if not into_id.strip().isdigit() or int(into_id) > MAX_ID:
            raise Invalid("choose the problem to merge into")
        with session.begin_nested():
            target = service.merge(
                session, source_id=cluster_id, target_id=int(into_id), actor=page.actor
            )
    except (*PathError, NotFound) as exc:  # an unknown target is a bad form value
        return not_saved(page.request, _back(cluster_id), exc)
    return flash_redirect(page.request, _back(target.id), "cluster-merged", target=target.id)


@router.post("/clusters/{cluster_id}/split")
def split(
    page: StaffPage,
    session: SessionDep,
    cluster_id: Id,
    ticket_ids: Ids = [],  # noqa: B006
    label: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    service.get_cluster(session, cluster_id)  # 404 for an unknown id
    try:
        chosen = [t for t in ints(ticket_ids) if t <= MAX_ID][:500]
        with session.begin_nested():
            new = service.split(
                session, cluster_id=cluster_id, ticket_ids=chosen, label=label or None,
                actor=page.actor,
            )  # fmt: skip
    except PathError as exc:
        return not_saved(page.request, _back(cluster_id), exc)
    return flash_redirect(page.request, _back(new.id), "cluster-split", num=new.count)


# -- suspected incidents --------------------------------------------------------------------


@router.post("/suspects/{suspect_id}/confirm")
def confirm(
    page: StaffPage, session: SessionDep, suspect_id: Id, csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    service.get_suspect(session, suspect_id)
    try:
        suspect = service.confirm(session, suspect_id=suspect_id, actor=page.actor)
    except PathError as exc:
        return not_saved(page.request, "/signals", exc)
    return redirect(f"/incidents/{suspect.incident_id}")


@router.post("/suspects/{suspect_id}/dismiss")
def dismiss(
    page: StaffPage, session: SessionDep, suspect_id: Id, reason: Text = "", csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    service.get_suspect(session, suspect_id)
    try:
        service.dismiss(session, suspect_id=suspect_id, actor=page.actor, reason=reason)
    except PathError as exc:
        return not_saved(page.request, "/signals", exc)
    return redirect("/signals")


# -- in the inbox ---------------------------------------------------------------------------


@extensions.inbox_banner(25)
def suspects_banner(session: Session, actor: Actor) -> extensions.Panel | None:
    if not actor.is_staff:
        return None
    suspects = service.list_suspects(
        session, status="open", limit=5, detected_since=now() - INBOX_DAYS
    )
    if not suspects:
        return None
    return extensions.Panel("signals/_banner.html", {"suspects": suspects})


@extensions.row_badges(25)
def suspect_badges(
    session: Session, tickets: Sequence[Ticket], actor: Actor
) -> dict[int, extensions.Panel]:
    if not actor.is_staff:
        return {}
    wanted = {t.id for t in tickets}
    out: dict[int, extensions.Panel] = {}
    recent = now() - INBOX_DAYS
    for suspect in service.list_suspects(session, status="open", limit=20, detected_since=recent):
        for ticket_id in wanted.intersection(suspect.ticket_ids or []):
            out.setdefault(ticket_id, extensions.Panel("signals/_badge.html", {"suspect": suspect}))
    return out
