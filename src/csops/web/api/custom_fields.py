"""API routes: custom ticket field definitions (admins define; staff read)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from csops.domains.tickets import custom_fields
from csops.domains.tickets.schemas import CustomFieldCreate, CustomFieldOut
from csops.web.api.idempotency import Created, IdempotencyDep
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import AdminWriter, StaffTicketsReader
from csops.web.deps import SessionDep

router = APIRouter(prefix="/custom-fields", tags=["custom fields"], route_class=ApiRoute)


@router.get("", response_model=list[CustomFieldOut], summary="List custom ticket fields")
def list_fields(session: SessionDep, actor: StaffTicketsReader) -> list[CustomFieldOut]:
    return [CustomFieldOut.model_validate(f) for f in custom_fields.definitions(session)]


@router.post("", status_code=201, response_model=CustomFieldOut, summary="Define a custom field")
def create_field(
    data: CustomFieldCreate, session: SessionDep, actor: AdminWriter, idem: IdempotencyDep
) -> Response:
    def work() -> Created:
        field = custom_fields.create_definition(session, data=data, actor=actor)
        return Created(CustomFieldOut.model_validate(field), 201, {})

    return idem.run(session, work)
