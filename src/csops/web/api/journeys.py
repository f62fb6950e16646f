"""JSON API of the journeys area: the spec schema (public), journeys, environments, runs,
SLO status, CI uploads (gate results, configuration snapshots) and drift.

Staff only; reads need `journeys:read`, writes `journeys:write`; importing specs (which
set allowed hosts) is for managers and admins.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from csops.domains.accounts.actor import Actor
from csops.domains.journeys import cx, drift_store, service, spec
from csops.domains.journeys.schemas import (
    DeploymentIn,
    DeploymentOut,
    DriftRow,
    EnvironmentOut,
    JourneyOut,
    RunOut,
    RunRequested,
    SloOut,
    SnapshotIn,
    SnapshotOut,
    SpecImported,
    SpecSchema,
    SpecUpload,
)
from csops.web.api.pagination import Id
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import scoped
from csops.web.deps import SessionDep

router = APIRouter(prefix="/journeys", tags=["journeys"], route_class=ApiRoute)
Reader = Annotated[Actor, Depends(scoped("journeys:read", staff=True))]
Writer = Annotated[Actor, Depends(scoped("journeys:write", staff=True))]
Name = Annotated[str, Query(max_length=100)]


@router.get("/schema", response_model=SpecSchema, summary="JSON Schema of journey specs")
async def get_schema() -> SpecSchema:
    return SpecSchema(spec.json_schema())


@router.get("", response_model=list[JourneyOut], summary="List journeys")
def list_journeys(session: SessionDep, actor: Reader) -> list[JourneyOut]:
    return [JourneyOut.model_validate(j) for j in service.list_journeys(session)]


@router.post(
    "/specs",
    status_code=200,
    response_model=SpecImported,
    summary="Import a spec (managers, admins)",
)
def import_spec(data: SpecUpload, session: SessionDep, actor: Writer) -> SpecImported:
    done = service.import_spec(session, text=data.text, actor=actor)
    return SpecImported(**done)


@router.get("/environments", response_model=list[EnvironmentOut], summary="List environments")
def list_environments(session: SessionDep, actor: Reader) -> list[EnvironmentOut]:
    return [EnvironmentOut.model_validate(e) for e in service.list_environments(session)]


@router.get("/slo", response_model=list[SloOut], summary="SLO status per journey and environment")
def slo_status(session: SessionDep, actor: Reader) -> list[SloOut]:
    return [SloOut(**row) for row in cx.summary(session)]


@router.get("/runs/{journey_run_id}", response_model=RunOut, summary="Read one run")
def get_run(journey_run_id: Id, session: SessionDep, actor: Reader) -> RunOut:
    return RunOut.model_validate(service.get_run(session, run_id=journey_run_id))


@router.get(
    "/drift", response_model=list[DriftRow], summary="Configuration diff of two environments"
)
def get_drift(
    session: SessionDep, actor: Reader, a: Name = "", b: Name = "", probe: Name = ""
) -> list[DriftRow]:
    if not (a and b and probe):
        return []
    env_a = service.get_environment(session, name=a)
    env_b = service.get_environment(session, name=b)
    found = drift_store.compare(session, a=env_a, b=env_b, probe=probe)
    return [DriftRow(key=d.key, kind=d.kind, a=d.a, b=d.b, expected=d.expected) for d in found]


@router.post(
    "/environments/{journey_env}/snapshots",
    status_code=201,
    response_model=SnapshotOut,
    summary="Upload a configuration snapshot (CI)",
)
def upload_snapshot(
    journey_env: str, data: SnapshotIn, session: SessionDep, actor: Writer
) -> SnapshotOut:
    env = service.get_environment(session, name=journey_env[:100])
    row = drift_store.snapshot(session, env=env, probe=data.probe, data=data.data, source="upload")
    drift_store.detect(session)
    return SnapshotOut.model_validate(row)


@router.post(
    "/deployments",
    status_code=201,
    response_model=DeploymentOut,
    summary="Record a release gate's journey results (CI)",
)
def record_deployment(data: DeploymentIn, session: SessionDep, actor: Writer) -> DeploymentOut:
    return DeploymentOut.model_validate(service.record_deployment(session, data=data, actor=actor))


@router.get("/{journey_id}", response_model=JourneyOut, summary="Read a journey")
def get_journey(journey_id: Id, session: SessionDep, actor: Reader) -> JourneyOut:
    return JourneyOut.model_validate(service.get_journey(session, journey_id=journey_id))


@router.get("/{journey_id}/runs", response_model=list[RunOut], summary="Recent runs of a journey")
def journey_runs(
    journey_id: Id,
    session: SessionDep,
    actor: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[RunOut]:
    service.get_journey(session, journey_id=journey_id)
    rows = service.list_runs(session, journey_id=journey_id, limit=limit)
    return [RunOut.model_validate(r) for r in rows]


@router.post("/{journey_id}/run", status_code=202, response_model=RunRequested, summary="Run now")
def run_now(
    journey_id: Id,
    session: SessionDep,
    actor: Writer,
    environment: Annotated[str | None, Query(max_length=100)] = None,
) -> RunRequested:
    names = service.enqueue_run(
        session, journey_id=journey_id, environment=environment, actor=actor
    )
    return RunRequested(environments=names)
