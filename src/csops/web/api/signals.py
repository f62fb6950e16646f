"""JSON API of the signals area: alert intake (Alertmanager v4, Grafana, generic JSON),
changes (JSON and GitHub's deployment_status shape), alert/change lists and suspected
incidents. Intake needs a staff token with signals:write (Alertmanager's
``http_config.authorization`` sends it as a bearer token)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, ConfigDict

from csops.domains.accounts.actor import Actor
from csops.domains.signals import service
from csops.domains.signals.schemas import AlertIn, AlertOut, ChangeIn, ChangeOut
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import scoped
from csops.web.deps import SessionDep

router = APIRouter(tags=["signals"], route_class=ApiRoute)

Reader = Annotated[Actor, Depends(scoped("signals:read", staff=True))]
Writer = Annotated[Actor, Depends(scoped("signals:write", staff=True))]
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
def alertmanager_webhook(payload: Payload, session: SessionDep, actor: Writer) -> list[AlertOut]:
    rows = service.ingest_alertmanager(session, payload, source="alertmanager")
    return [AlertOut.model_validate(r) for r in rows]


@router.post(
    "/integrations/grafana", response_model=list[AlertOut], summary="Grafana alerting webhook"
)
def grafana_webhook(payload: Payload, session: SessionDep, actor: Writer) -> list[AlertOut]:
    rows = service.ingest_alertmanager(session, payload, source="grafana")
    return [AlertOut.model_validate(r) for r in rows]


@router.post(
    "/integrations/github/deployment-status",
    response_model=ChangeOut,
    summary="GitHub deployment_status webhook",
)
def github_deployment(payload: Payload, session: SessionDep, actor: Writer) -> ChangeOut:
    change = service.record_change(session, service.from_github_deployment_status(payload))
    return ChangeOut.model_validate(change)


@router.post("/alerts", status_code=201, response_model=AlertOut, summary="Generic JSON alert")
def post_alert(data: AlertIn, session: SessionDep, actor: Writer) -> AlertOut:
    return AlertOut.model_validate(service.record_alert(session, data, source="generic"))


@router.get("/alerts", response_model=list[AlertOut], summary="List alerts, newest first")
def get_alerts(
    session: SessionDep, actor: Reader, status: Status = None, service_name: Name = None,
    limit: Limit = 100,
) -> list[AlertOut]:  # fmt: skip
    rows = service.list_alerts(session, status=status, service=service_name, limit=limit)
    return [AlertOut.model_validate(r) for r in rows]


@router.post("/changes", status_code=201, response_model=ChangeOut, summary="Record a change")
def post_change(data: ChangeIn, session: SessionDep, actor: Writer) -> ChangeOut:
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
