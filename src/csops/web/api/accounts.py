"""API routes: customers and organizations. Users, teams and services are in people.py,
API tokens in tokens.py; all three are mounted from here.

Staff list, search and edit customers; a customer may read only themself. Organizations
are read by staff and created or changed by admins.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from csops.domains.accounts import schemas, service
from csops.web.api import people, tokens
from csops.web.api.idempotency import Created, IdempotencyDep
from csops.web.api.pagination import Id, Page, after_id, cut
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import (
    AccountsReader,
    AdminWriter,
    StaffAccountsReader,
    StaffAccountsWriter,
)
from csops.web.deps import SessionDep

router = APIRouter(tags=["accounts"], route_class=ApiRoute)


@router.get("/customers", response_model=Page[schemas.CustomerOut], summary="List customers")
def list_customers(
    session: SessionDep,
    actor: StaffAccountsReader,
    email: Annotated[str | None, Query(max_length=320, description="Exact email")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Part of email or name")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
) -> Page[schemas.CustomerOut]:
    rows = service.list_customers(
        session, actor=actor, email=email, q=q, after_id=after_id(cursor), limit=limit + 1
    )
    items, next_cursor = cut(rows, limit, lambda c: c.id)
    return Page[schemas.CustomerOut](
        items=[schemas.CustomerOut.model_validate(c) for c in items], next_cursor=next_cursor
    )


@router.post(
    "/customers", status_code=201, response_model=schemas.CustomerOut, summary="Add a customer"
)
def create_customer(
    data: schemas.CustomerCreate,
    session: SessionDep,
    actor: StaffAccountsWriter,
    idem: IdempotencyDep,
) -> Response:
    def work() -> Created:
        customer = service.create_customer(session, data=data, actor=actor)
        out = schemas.CustomerOut.model_validate(customer)
        return Created(out, 201, {"Location": f"/api/v1/customers/{customer.id}"})

    return idem.run(session, work)


@router.get(
    "/customers/{customer_id}", response_model=schemas.CustomerOut, summary="Read a customer"
)
def get_customer(
    customer_id: Id, session: SessionDep, actor: AccountsReader
) -> schemas.CustomerOut:
    """Staff read anyone; a customer only themself."""
    customer = service.get_customer(session, customer_id=customer_id, actor=actor)
    return schemas.CustomerOut.model_validate(customer)


@router.patch(
    "/customers/{customer_id}", response_model=schemas.CustomerOut, summary="Change a customer"
)
def update_customer(
    customer_id: Id,
    data: schemas.CustomerUpdate,
    session: SessionDep,
    actor: StaffAccountsWriter,
) -> schemas.CustomerOut:
    customer = service.update_customer(session, customer_id=customer_id, data=data, actor=actor)
    return schemas.CustomerOut.model_validate(customer)


# Organizations -------------------------------------------------------------------------


@router.get(
    "/organizations",
    response_model=list[schemas.OrganizationOut],
    summary="List organizations",
)
def list_organizations(
    session: SessionDep, actor: StaffAccountsReader
) -> list[schemas.OrganizationOut]:
    rows = service.list_organizations(session, actor=actor)
    return [schemas.OrganizationOut.model_validate(org) for org in rows]


@router.post(
    "/organizations",
    status_code=201,
    response_model=schemas.OrganizationOut,
    summary="Add an organization (admin)",
)
def create_organization(
    data: schemas.OrganizationCreate, session: SessionDep, actor: AdminWriter, idem: IdempotencyDep
) -> Response:
    def work() -> Created:
        org = service.create_organization(session, data=data, actor=actor)
        out = schemas.OrganizationOut.model_validate(org)
        return Created(out, 201, {"Location": f"/api/v1/organizations/{org.id}"})

    return idem.run(session, work)


@router.get(
    "/organizations/{org_id}",
    response_model=schemas.OrganizationOut,
    summary="Read an organization",
)
def get_organization(
    org_id: Id, session: SessionDep, actor: StaffAccountsReader
) -> schemas.OrganizationOut:
    org = service.get_organization(session, org_id=org_id, actor=actor)
    return schemas.OrganizationOut.model_validate(org)


@router.patch(
    "/organizations/{org_id}",
    response_model=schemas.OrganizationOut,
    summary="Change an organization (admin)",
)
def update_organization(
    org_id: Id, data: schemas.OrganizationUpdate, session: SessionDep, actor: AdminWriter
) -> schemas.OrganizationOut:
    org = service.update_organization(session, org_id=org_id, data=data, actor=actor)
    return schemas.OrganizationOut.model_validate(org)


router.include_router(people.router)
router.include_router(tokens.router)
