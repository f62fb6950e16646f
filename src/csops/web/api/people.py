"""API routes: users, teams and services. Staff read them; admins create and change them
(a user may change their own name, language and time zone). Any signed-in actor may list
services, since customers pick one when they open a request.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from csops.domains.accounts import schemas, service
from csops.domains.accounts.models import Service
from csops.errors import NotFound
from csops.web.api.idempotency import Created, IdempotencyDep
from csops.web.api.pagination import Id
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import (
    AccountsReader,
    AdminWriter,
    StaffAccountsReader,
    StaffAccountsWriter,
    require_scopes,
)
from csops.web.deps import SessionDep

router = APIRouter(tags=["accounts"], route_class=ApiRoute)


# Users ---------------------------------------------------------------------------------


@router.get("/users", response_model=list[schemas.UserOut], summary="List users")
def list_users(session: SessionDep, actor: StaffAccountsReader) -> list[schemas.UserOut]:
    return [service.user_out(user) for user in service.list_users(session, actor=actor)]


@router.post(
    "/users", status_code=201, response_model=schemas.UserOut, summary="Add a user (admin)"
)
def create_user(
    data: schemas.UserCreate, session: SessionDep, actor: AdminWriter, idem: IdempotencyDep
) -> Response:
    def work() -> Created:
        user = service.create_user(session, data=data, actor=actor)
        return Created(service.user_out(user), 201, {"Location": f"/api/v1/users/{user.id}"})

    return idem.run(session, work)


@router.get("/users/{user_id}", response_model=schemas.UserOut, summary="Read a user")
def get_user(user_id: Id, session: SessionDep, actor: StaffAccountsReader) -> schemas.UserOut:
    return service.user_out(service.get_user(session, user_id=user_id, actor=actor))


@router.patch(
    "/users/{user_id}",
    response_model=schemas.UserOut,
    summary="Change a user (admin; anyone their own name, language, time zone)",
)
def update_user(
    user_id: Id, data: schemas.UserUpdate, session: SessionDep, actor: StaffAccountsWriter
) -> schemas.UserOut:
    if user_id != actor.id:
        require_scopes(actor, "admin")
    user = service.update_user(session, user_id=user_id, data=data, actor=actor)
    return service.user_out(user)


# Teams ---------------------------------------------------------------------------------


@router.get("/teams", response_model=list[schemas.TeamOut], summary="List teams")
def list_teams(session: SessionDep, actor: StaffAccountsReader) -> list[schemas.TeamOut]:
    return [service.team_out(team) for team in service.list_teams(session, actor=actor)]


@router.post(
    "/teams", status_code=201, response_model=schemas.TeamOut, summary="Add a team (admin)"
)
def create_team(
    data: schemas.TeamCreate, session: SessionDep, actor: AdminWriter, idem: IdempotencyDep
) -> Response:
    def work() -> Created:
        team = service.create_team(session, data=data, actor=actor)
        return Created(service.team_out(team), 201, {"Location": f"/api/v1/teams/{team.id}"})

    return idem.run(session, work)


@router.get("/teams/{team_id}", response_model=schemas.TeamOut, summary="Read a team")
def get_team(team_id: Id, session: SessionDep, actor: StaffAccountsReader) -> schemas.TeamOut:
    for team in service.list_teams(session, actor=actor):
        if team.id == team_id:
            return service.team_out(team)
    raise NotFound(f"team {team_id} not found")


@router.patch("/teams/{team_id}", response_model=schemas.TeamOut, summary="Change a team (admin)")
def update_team(
    team_id: Id, data: schemas.TeamUpdate, session: SessionDep, actor: AdminWriter
) -> schemas.TeamOut:
    return service.team_out(service.update_team(session, team_id=team_id, data=data, actor=actor))


# Services ------------------------------------------------------------------------------


def _service_out(row: Service) -> schemas.ServiceOut:
    return schemas.ServiceOut.model_validate(row)


@router.get("/services", response_model=list[schemas.ServiceOut], summary="List services")
def list_services(session: SessionDep, actor: AccountsReader) -> list[schemas.ServiceOut]:
    return [_service_out(row) for row in service.list_services(session, actor=actor)]


@router.post(
    "/services",
    status_code=201,
    response_model=schemas.ServiceOut,
    summary="Add a service (admin)",
)
def create_service(
    data: schemas.ServiceCreate, session: SessionDep, actor: AdminWriter, idem: IdempotencyDep
) -> Response:
    def work() -> Created:
        row = service.create_service(session, data=data, actor=actor)
        return Created(_service_out(row), 201, {"Location": f"/api/v1/services/{row.id}"})

    return idem.run(session, work)


@router.get("/services/{service_id}", response_model=schemas.ServiceOut, summary="Read a service")
def get_service(service_id: Id, session: SessionDep, actor: AccountsReader) -> schemas.ServiceOut:
    row = service.find_service(session, service_id)
    if row is None:
        raise NotFound(f"service {service_id} not found")
    return _service_out(row)


@router.patch(
    "/services/{service_id}",
    response_model=schemas.ServiceOut,
    summary="Change a service (admin)",
)
def update_service(
    service_id: Id, data: schemas.ServiceUpdate, session: SessionDep, actor: AdminWriter
) -> schemas.ServiceOut:
    row = service.update_service(session, service_id=service_id, data=data, actor=actor)
    return _service_out(row)
