"""API routes: routing rules (triggers) — list, create, update, delete, and a test-run
preview against the newest tickets. Staff may read; only admins may change or preview."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from csops.domains.accounts.actor import Actor
from csops.domains.rules import service
from csops.domains.rules.schemas import PreviewIn, PreviewOut, RuleIn, RuleOut, RuleUpdate
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import scoped
from csops.web.deps import SessionDep, commit_with

router = APIRouter(prefix="/rules", tags=["rules"], route_class=ApiRoute)
Reader = Annotated[Actor, Depends(scoped("tickets:read", staff=True))]
Writer = Annotated[Actor, Depends(scoped("admin", staff=True))]
PROBLEMS: dict[int | str, dict[str, str]] = {
    401: {"description": "Not signed in (problem+json)"},
    403: {"description": "Only admins may change rules (problem+json)"},
    404: {"description": "No such rule (problem+json)"},
    409: {"description": "A rule of that name exists (problem+json)"},
    422: {"description": "The rule is not valid (problem+json)"},
}


@router.get("", response_model=list[RuleOut], responses=PROBLEMS, summary="List rules in order")
def list_rules(session: SessionDep, actor: Reader) -> list[RuleOut]:
    return [RuleOut.model_validate(r) for r in service.list_rules(session, actor=actor)]


@router.post("", status_code=201, response_model=RuleOut, responses=PROBLEMS, summary="New rule")
async def create_rule(data: RuleIn, session: SessionDep, actor: Writer) -> RuleOut:
    return await commit_with(
        session,
        lambda: RuleOut.model_validate(service.create_rule(session, data=data, actor=actor)),
    )


@router.get("/{rule_id}", response_model=RuleOut, responses=PROBLEMS, summary="One rule")
def get_rule(rule_id: int, session: SessionDep, actor: Reader) -> RuleOut:
    return RuleOut.model_validate(service.get_rule(session, rule_id=rule_id, actor=actor))


@router.patch("/{rule_id}", response_model=RuleOut, responses=PROBLEMS, summary="Change a rule")
async def update_rule(
    rule_id: int, data: RuleUpdate, session: SessionDep, actor: Writer
) -> RuleOut:
    return await commit_with(
        session,
        lambda: RuleOut.model_validate(
            service.update_rule(session, rule_id=rule_id, data=data, actor=actor)
        ),
    )


@router.delete("/{rule_id}", status_code=204, responses=PROBLEMS, summary="Delete a rule")
async def delete_rule(rule_id: int, session: SessionDep, actor: Writer) -> Response:
    await commit_with(session, lambda: service.delete_rule(session, rule_id=rule_id, actor=actor))
    return Response(status_code=204)


@router.post(
    "/preview",
    response_model=PreviewOut,
    responses=PROBLEMS,
    summary="Try a rule on the newest tickets (changes nothing)",
)
def preview(data: PreviewIn, session: SessionDep, actor: Writer) -> PreviewOut:
    return service.preview(session, request=data, actor=actor)
