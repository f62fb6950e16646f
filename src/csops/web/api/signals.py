"""JSON API of the signals area: alert intake (Alertmanager v4, Grafana, generic JSON),
changes (JSON and GitHub's deployment_status shape), alert/change lists, suspected
incidents, and problem clusters (list, detail, rename, merge, split: staff with
signals:read / signals:write). Intake takes a staff token with signals:write (Alertmanager's
``http_config.authorization`` sends it as a bearer token) or, when
CSOPS_SIGNALS_WEBHOOK_SECRET is set, an HMAC-SHA256 of the raw body in
``X-Hub-Signature-256`` (GitHub's header) or ``X-Csops-Signature``: ``sha256=<hex>``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel, ConfigDict

from csops.domains.accounts.actor import Actor
from csops.domains.signals import service
from csops.domains.signals.schemas import (
    AlertIn,
    AlertOut,
    ChangeIn,
    ChangeOut,
    ClusterDetail,
    ClusterEvent,
    ClusterMerge,
    ClusterOut,
    ClusterPatch,
    ClusterSplit,
    ClusterTicketOut,
)
from csops.errors import NotFound, Unauthenticated
from csops.integrations.github import client as github
from csops.web.api.pagination import Id
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import require_scopes, scoped
from csops.web.deps import OptionalPrincipal, SessionDep

router = APIRouter(tags=["signals"], route_class=ApiRoute)

Reader = Annotated[Actor, Depends(scoped("signals:read", staff=True))]
SIGNATURE_HEADERS = ("x-hub-signature-256", "x-csops-signature")


async def signed_or_token(request: Request, principal: OptionalPrincipal) -> Actor:
    """A valid body signature acts as the system; otherwise a staff token with signals:write."""
    secret = request.app.state.settings.signals_webhook_secret
    signature = next((request.headers[h] for h in SIGNATURE_HEADERS if h in request.headers), None)
    if secret and signature is not None:
        if github.verify_signature(secret, await request.body(), signature.lower()):
            return Actor.system()
        raise Unauthenticated("the webhook signature does not match")
    if principal is None:
        raise Unauthenticated("send a bearer token or a signed body")
    actor = principal.actor
    if not actor.is_staff:
        raise NotFound("not found")
    require_scopes(actor, "signals:write")
    return actor


Intake = Annotated[Actor, Depends(signed_or_token)]
Payload = Annotated[dict[str, Any], Body()]
Status = Annotated[str | None, Query(pattern="^(firing|resolved)$")]
Name = Annotated[str | None, Query(max_length=100)]
Limit = Annotated[int, Query(ge=1, le=500)]


class SuspectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    title: str
    status: str
    service_id: int | None
    cluster_id: int | None
    score: float
    started_at: datetime
    detected_at: datetime
    evidence: dict[str, Any]
    causes: list[Any]
    ticket_ids: list[int]
    incident_id: int | None
    reason: str


@router.post(
    "/integrations/alertmanager",
    response_model=list[AlertOut],
    summary="Prometheus Alertmanager webhook (v4 payload)",
)
def alertmanager_webhook(payload: Payload, session: SessionDep, actor: Intake) -> list[AlertOut]:
    rows = service.ingest_alertmanager(session, payload, source="alertmanager")
    return [AlertOut.model_validate(r) for r in rows]


@router.post(
    "/integrations/grafana", response_model=list[AlertOut], summary="Grafana alerting webhook"
)
def grafana_webhook(payload: Payload, session: SessionDep, actor: Intake) -> list[AlertOut]:
    rows = service.ingest_alertmanager(session, payload, source="grafana")
    return [AlertOut.model_validate(r) for r in rows]


@router.post(
    "/integrations/github/deployment-status",
    response_model=ChangeOut,
    summary="GitHub deployment_status webhook",
)
def github_deployment(payload: Payload, session: SessionDep, actor: Intake) -> ChangeOut:
    change = service.record_change(session, service.from_github_deployment_status(payload))
    return ChangeOut.model_validate(change)


@router.post("/alerts", status_code=201, response_model=AlertOut, summary="Generic JSON alert")
def post_alert(data: AlertIn, session: SessionDep, actor: Intake) -> AlertOut:
    return AlertOut.model_validate(service.record_alert(session, data, source="generic"))


@router.get("/alerts", response_model=list[AlertOut], summary="List alerts, newest first")
def get_alerts(
    session: SessionDep, actor: Reader, status: Status = None, service_name: Name = None,
    limit: Limit = 100,
) -> list[AlertOut]:  # fmt: skip
    rows = service.list_alerts(session, status=status, service=service_name, limit=limit)
    return [AlertOut.model_validate(r) for r in rows]


@router.post("/changes", status_code=201, response_model=ChangeOut, summary="Record a change")
def post_change(data: ChangeIn, session: SessionDep, actor: Intake) -> ChangeOut:
    return ChangeOut.model_validate(service.record_change(session, data))


@router.get("/changes", response_model=list[ChangeOut], summary="List changes, newest first")
def get_changes(
    session: SessionDep, actor: Reader, service_name: Name = None, limit: Limit = 100
) -> list[ChangeOut]:
    rows = service.list_changes(session, service=service_name, limit=limit)
    return [ChangeOut.model_validate(r) for r in rows]


@router.get("/signals/suspects", response_model=list[SuspectOut], summary="Suspected incidents")
def get_suspects(
    session: SessionDep,
    actor: Reader,
    status: Annotated[str | None, Query(pattern="^(open|confirmed|dismissed)$")] = "open",
) -> list[SuspectOut]:
    return [SuspectOut.model_validate(s) for s in service.list_suspects(session, status=status)]


# Problem clusters: what agents see and correct ---------------------------------------------

Writer = Annotated[Actor, Depends(scoped("signals:write", staff=True))]
CLUSTER_PROBLEMS: dict[int | str, dict[str, str]] = {
    401: {"description": "Not signed in (problem+json)"},
    403: {"description": "A scope is missing (problem+json)"},
    404: {"description": "No such cluster, or not staff (problem+json)"},
    409: {"description": "A cluster is merged already (problem+json)"},
    422: {"description": "The request is not valid (problem+json)"},
}


def cluster_out(view: service.ClusterView) -> ClusterOut:
    row = view.row
    return ClusterOut(
        id=row.id, label=row.label, label_pinned=row.label_pinned, count=row.count,
        last_at=row.last_at, created_at=row.created_at, merged_into_id=row.merged_into_id,
        split_from=view.note.get("split_from"), cannot_link=list(row.cannot_link or []),
        hourly=view.hourly, last_24h=view.recent,
    )  # fmt: skip


def cluster_detail_out(view: service.ClusterView) -> ClusterDetail:
    terms = sorted((view.row.terms or {}).items(), key=lambda kv: (-float(kv[1]), kv[0]))
    history = [
        ClusterEvent(
            at=h["at"],
            action=h["action"],
            actor=h.get("actor", ""),
            actor_id=h.get("actor_id"),
            detail={k: v for k, v in h.items() if k not in ("at", "action", "actor", "actor_id")},
        )  # fmt: skip
        for h in view.note.get("history", [])
    ]
    return ClusterDetail(
        **cluster_out(view).model_dump(),
        terms=[t for t, _ in terms[:10]],
        split_into=view.split_into,
        tickets=[ClusterTicketOut(**t) for t in view.tickets],
        history=history,
    )


@router.get(
    "/signals/clusters", response_model=list[ClusterOut], responses=CLUSTER_PROBLEMS,
    summary="Active problem clusters, busiest in the last 24 hours first",
)  # fmt: skip
def get_clusters(
    session: SessionDep, actor: Reader, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[ClusterOut]:
    return [cluster_out(v) for v in service.active_clusters(session, limit=limit)]


@router.get(
    "/signals/clusters/{cluster_id}", response_model=ClusterDetail, responses=CLUSTER_PROBLEMS,
    summary="One problem cluster with its recent tickets and its corrections",
)  # fmt: skip
def get_cluster(cluster_id: Id, session: SessionDep, actor: Reader) -> ClusterDetail:
    return cluster_detail_out(service.cluster_detail(session, cluster_id=cluster_id))


@router.patch(
    "/signals/clusters/{cluster_id}", response_model=ClusterDetail, responses=CLUSTER_PROBLEMS,
    summary="Rename a cluster (the label is kept from then on)",
)  # fmt: skip
def patch_cluster(
    cluster_id: Id, data: ClusterPatch, session: SessionDep, actor: Writer
) -> ClusterDetail:
    row = service.rename(session, cluster_id=cluster_id, label=data.label, actor=actor)
    return cluster_detail_out(service.cluster_detail(session, cluster_id=row.id))


@router.post(
    "/signals/clusters/{cluster_id}/merge", response_model=ClusterDetail,
    responses=CLUSTER_PROBLEMS, summary="Merge a cluster into another (for good)",
)  # fmt: skip
def merge_cluster(
    cluster_id: Id, data: ClusterMerge, session: SessionDep, actor: Writer
) -> ClusterDetail:
    row = service.merge(session, source_id=cluster_id, target_id=data.into_id, actor=actor)
    return cluster_detail_out(service.cluster_detail(session, cluster_id=row.id))


@router.post(
    "/signals/clusters/{cluster_id}/split", status_code=201, response_model=ClusterDetail,
    responses=CLUSTER_PROBLEMS, summary="Split tickets off into a new cluster, kept apart",
)  # fmt: skip
def split_cluster(
    cluster_id: Id, data: ClusterSplit, session: SessionDep, actor: Writer
) -> ClusterDetail:
    row = service.split(
        session, cluster_id=cluster_id, ticket_ids=data.ticket_ids, label=data.label, actor=actor
    )
    return cluster_detail_out(service.cluster_detail(session, cluster_id=row.id))
