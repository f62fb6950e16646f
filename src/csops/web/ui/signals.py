"""Signals page: suspected incidents (confirm / dismiss), live problem clusters with
sparklines, and the alert + change timeline on the same time axis. Staff only."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.signals import service
from csops.domains.signals.models import Alert, Change, ClusterTicket, ProblemCluster
from csops.errors import CsopsError, NotFound
from csops.web.api.pagination import Id
from csops.web.deps import SessionDep
from csops.web.ui.auth import Text, sidebar_views
from csops.web.ui.common import StaffPage, problem_text
from csops.web.ui.flash import flash_redirect, redirect, show

router = APIRouter(prefix="/signals")
HOURS = 24
BUCKET_MIN = 30


def _sparklines(session: Session, start: Any) -> list[dict[str, Any]]:
    n = HOURS * 60 // BUCKET_MIN
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * n)
    rows = session.execute(
        select(ClusterTicket.cluster_id, ClusterTicket.created_at).where(
            ClusterTicket.created_at >= start
        )
    ).all()
    for cid, at in rows:
        idx = min(n - 1, int((at - start).total_seconds() // (BUCKET_MIN * 60)))
        counts[cid][idx] += 1
    top = sorted(counts, key=lambda c: -sum(counts[c]))[:20]
    clusters = {
        c.id: c for c in session.scalars(select(ProblemCluster).where(ProblemCluster.id.in_(top)))
    }
    return [
        {
            "cluster": clusters[cid],
            "total": sum(counts[cid]),
            "chart": {
                "type": "line",
                "data": {
                    "labels": list(range(n)),
                    "datasets": [
                        {"data": counts[cid], "pointRadius": 0, "borderWidth": 1.5, "fill": True}
                    ],
                },
                "options": {
                    "plugins": {"legend": {"display": False}, "tooltip": {"enabled": False}},
                    "scales": {"x": {"display": False}, "y": {"display": False}},
                },
            },
        }  # fmt: skip
        for cid in top
        if cid in clusters
    ]


def _timeline(session: Session, start: Any) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [
        {"at": c.started_at, "kind": c.kind.value, "what": f"{c.service_name} {c.version}".strip()}
        for c in session.scalars(select(Change).where(Change.started_at >= start))
    ]
    events += [
        {
            "at": a.starts_at,
            "kind": f"alert {a.status.value}",
            "what": f"{a.name} ({a.service_name})",
        }
        for a in session.scalars(select(Alert).where(Alert.starts_at >= start))
    ]
    return sorted(events, key=lambda e: e["at"], reverse=True)[:50]


@router.get("")
def overview(page: StaffPage, session: SessionDep) -> Response:
    start = now() - timedelta(hours=HOURS)
    return show(
        page,
        "signals/overview.html",
        views=sidebar_views(session, page),
        suspects=service.list_suspects(session, status="open"),
        decided=service.list_suspects(session, status=None, limit=10),
        clusters=_sparklines(session, start),
        timeline=_timeline(session, start),
        hours=HOURS,
    )


@router.get("/clusters/{cluster_id}")
def cluster(page: StaffPage, session: SessionDep, cluster_id: Id) -> Response:
    row = session.get(ProblemCluster, cluster_id)
    if row is None:
        raise NotFound("no such cluster")
    ticket_ids = session.scalars(
        select(ClusterTicket.ticket_id)
        .where(ClusterTicket.cluster_id == cluster_id)
        .order_by(ClusterTicket.created_at.desc())
        .limit(100)
    ).all()
    return show(page, "signals/cluster.html", views=sidebar_views(session, page), cluster=row,
                ticket_ids=ticket_ids)  # fmt: skip


@router.post("/suspects/{suspect_id}/confirm")
def confirm(
    page: StaffPage, session: SessionDep, suspect_id: Id, csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    service.get_suspect(session, suspect_id)
    try:
        suspect = service.confirm(session, suspect_id=suspect_id, actor=page.actor)
    except CsopsError as exc:
        return flash_redirect(page.request, "/signals", "not-saved", reason=problem_text(exc))
    return redirect(f"/incidents/{suspect.incident_id}")


@router.post("/suspects/{suspect_id}/dismiss")
def dismiss(
    page: StaffPage, session: SessionDep, suspect_id: Id, reason: Text = "", csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    service.get_suspect(session, suspect_id)
    try:
        service.dismiss(session, suspect_id=suspect_id, actor=page.actor, reason=reason)
    except CsopsError as exc:
        return flash_redirect(page.request, "/signals", "not-saved", reason=problem_text(exc))
    return redirect("/signals")
