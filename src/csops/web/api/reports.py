"""API routes of reports: KPIs for a period and scope (staff; scope reports:read)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from csops.domains.accounts.actor import Actor
from csops.domains.reports import service
from csops.domains.reports.schemas import BacklogOut, KpisOut, TimingOut, VolumeOut
from csops.domains.tickets.models import Channel
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import scoped
from csops.web.deps import SessionDep

router = APIRouter(tags=["reports"], route_class=ApiRoute)
Reader = Annotated[Actor, Depends(scoped("reports:read", staff=True))]
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
