"""API routes: incidents — declare, list, change, link tickets, timeline, evidence,
postmortem, trackers, and the GitHub / Jira webhooks that sync back into the timeline.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, Field

from csops.domains.accounts.actor import Actor
from csops.domains.incidents import evidence, postmortem, service, trackers
from csops.domains.incidents.models import IncidentStatus, LinkSource, Severity
from csops.domains.incidents.present import incident_detail, incident_out
from csops.domains.incidents.schemas import (
    EvidenceOut,
    IncidentCreate,
    IncidentDetail,
    IncidentList,
    IncidentPatch,
    LinkResult,
    PageResult,
    PostmortemIn,
    PostmortemOut,
    RevealIn,
    TicketLinks,
    TrackerCreate,
    TrackerOut,
    UpdateCreate,
    UpdateOut,
    WebhookResult,
)
from csops.errors import Invalid
from csops.web.api.pagination import MAX_ID, Id
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import scoped
from csops.web.deps import SessionDep, commit_with

router = APIRouter(prefix="/incidents", tags=["incidents"], route_class=ApiRoute)
PROBLEMS: dict[int | str, dict[str, str]] = {
    401: {"description": "Not signed in (problem+json)"},
    403: {"description": "A scope is missing (problem+json)"},
    404: {"description": "No such incident, or not staff (problem+json)"},
    422: {"description": "The request is not valid (problem+json)"},
}
Reader = Annotated[Actor, Depends(scoped("incidents:read", staff=True))]
Writer = Annotated[Actor, Depends(scoped("incidents:write", staff=True))]


class IncidentQuery(BaseModel):
    status: IncidentStatus | None = None
    severity: Severity | None = None
    service_id: int | None = Field(None, ge=1, le=MAX_ID)
    active: bool | None = None
    q: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100_000)


@router.post("", status_code=201, response_model=IncidentDetail, responses=PROBLEMS)
def create_incident(data: IncidentCreate, session: SessionDep, actor: Writer) -> IncidentDetail:
    """Declare an incident; SEV1 and SEV2 page the on-call owners (`page` overrides)."""
    incident = service.create_incident(session, data=data, actor=actor)
    return incident_detail(session, incident)


@router.get("", response_model=IncidentList, responses=PROBLEMS)
def list_incidents(
    query: Annotated[IncidentQuery, Query()], session: SessionDep, actor: Reader
) -> IncidentList:
    items, total = service.list_incidents(session, actor=actor, **query.model_dump())
    return IncidentList(items=[incident_out(session, i) for i in items], total=total)


@router.get("/{incident_id}", response_model=IncidentDetail, responses=PROBLEMS)
def get_incident(incident_id: Id, session: SessionDep, actor: Reader) -> IncidentDetail:
    incident = service.get_incident(session, incident_id=incident_id, actor=actor)
    return incident_detail(session, incident)


@router.patch("/{incident_id}", response_model=IncidentDetail, responses=PROBLEMS)
def update_incident(
    incident_id: Id, data: IncidentPatch, session: SessionDep, actor: Writer
) -> IncidentDetail:
    incident = service.update_incident(session, incident_id=incident_id, data=data, actor=actor)
    return incident_detail(session, incident)


@router.post("/{incident_id}/tickets", response_model=LinkResult, responses=PROBLEMS)
def link_tickets(
    incident_id: Id, data: TicketLinks, session: SessionDep, actor: Writer
) -> LinkResult:
    count = service.link_tickets(
        session,
        incident_id=incident_id,
        ticket_ids=data.ticket_ids,
        actor=actor,
        source=LinkSource.bulk if len(data.ticket_ids) > 1 else LinkSource.manual,
        note=data.note,
    )
    return LinkResult(linked=count)


@router.delete("/{incident_id}/tickets/{linked_ticket_id}", status_code=204, responses=PROBLEMS)
def unlink_ticket(
    incident_id: Id, linked_ticket_id: Id, session: SessionDep, actor: Writer
) -> Response:
    service.unlink_ticket(session, incident_id=incident_id, ticket_id=linked_ticket_id, actor=actor)
    return Response(status_code=204)


@router.post(
    "/{incident_id}/updates", status_code=201, response_model=UpdateOut, responses=PROBLEMS
)
def post_update(
    incident_id: Id, data: UpdateCreate, session: SessionDep, actor: Writer
) -> UpdateOut:
    """A public update reaches every linked ticket's requester; status moves the incident."""
    entry = service.post_update(
        session,
        incident_id=incident_id,
        body=data.body,
        public=data.public,
        status=data.status,
        actor=actor,
    )
    return UpdateOut.model_validate(entry)


@router.post("/{incident_id}/page", response_model=PageResult, responses=PROBLEMS)
def page(incident_id: Id, session: SessionDep, actor: Writer) -> PageResult:
    incident = service.get_incident(session, incident_id=incident_id, actor=actor)
    return PageResult(paged=service.page(session, incident=incident, actor=actor))


@router.get("/{incident_id}/evidence", response_model=list[EvidenceOut], responses=PROBLEMS)
def list_evidence(incident_id: Id, session: SessionDep, actor: Reader) -> list[EvidenceOut]:
    """Linked tickets with customer data masked."""
    items = evidence.evidence(session, incident_id=incident_id, actor=actor)
    return [EvidenceOut.model_validate(item) for item in items]


@router.post(
    "/{incident_id}/evidence/{linked_ticket_id}/reveal",
    response_model=EvidenceOut,
    responses=PROBLEMS,
)
def reveal(
    incident_id: Id, linked_ticket_id: Id, data: RevealIn, session: SessionDep, actor: Writer
) -> EvidenceOut:
    """The unmasked evidence of one ticket; the reason is kept in the audit log."""
    item = evidence.reveal(
        session,
        incident_id=incident_id,
        ticket_id=linked_ticket_id,
        reason=data.reason,
        actor=actor,
    )
    return EvidenceOut.model_validate(item)


@router.get("/{incident_id}/postmortem", response_model=PostmortemOut, responses=PROBLEMS)
def get_postmortem(incident_id: Id, session: SessionDep, actor: Reader) -> PostmortemOut:
    return postmortem.get_postmortem(session, incident_id=incident_id, actor=actor)


@router.put("/{incident_id}/postmortem", response_model=PostmortemOut, responses=PROBLEMS)
def put_postmortem(
    incident_id: Id, data: PostmortemIn, session: SessionDep, actor: Writer
) -> PostmortemOut:
    return postmortem.save_postmortem(session, incident_id=incident_id, data=data, actor=actor)


@router.get(
    "/{incident_id}/postmortem.md",
    responses={**PROBLEMS, 200: {"content": {"text/markdown": {}}}},
    response_class=Response,
)
def postmortem_markdown(incident_id: Id, session: SessionDep, actor: Reader) -> Response:
    text = postmortem.to_markdown(session, incident_id=incident_id, actor=actor)
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="postmortem-{incident_id}.md"'},
    )


@router.post(
    "/{incident_id}/trackers", status_code=201, response_model=TrackerOut, responses=PROBLEMS
)
def open_tracker(
    incident_id: Id, data: TrackerCreate, session: SessionDep, actor: Writer
) -> TrackerOut:
    """Open a GitHub or Jira issue; its comments and status come back to the timeline."""
    issue = trackers.open_issue(session, incident_id=incident_id, tracker=data.tracker, actor=actor)
    return TrackerOut.model_validate(issue)


async def _json_body(request: Request) -> tuple[bytes, dict[str, Any]]:
    body = await request.body()
    try:
        payload = json.loads(body or b"{}")
    except ValueError as exc:
        raise Invalid("the body is not JSON") from exc
    if not isinstance(payload, dict):
        raise Invalid("the body must be a JSON object")
    return body, payload


@router.post("/webhooks/github", response_model=WebhookResult, responses=PROBLEMS)
async def github_webhook(
    request: Request,
    session: SessionDep,
    x_github_event: Annotated[str, Header(max_length=100)] = "",
    x_hub_signature_256: Annotated[str | None, Header(max_length=200)] = None,
) -> WebhookResult:
    """GitHub `issues` and `issue_comment` deliveries, signed with the webhook secret."""
    body, payload = await _json_body(request)

    def work() -> WebhookResult:
        applied = trackers.github_webhook(
            session, event=x_github_event, body=body, signature=x_hub_signature_256, payload=payload
        )
        return WebhookResult(applied=applied)

    return await commit_with(session, work)


@router.post("/webhooks/jira", response_model=WebhookResult, responses=PROBLEMS)
async def jira_webhook(
    request: Request,
    session: SessionDep,
    secret: Annotated[str | None, Query(max_length=200)] = None,
) -> WebhookResult:
    """Jira comment and status webhooks; the URL carries the shared secret (?secret=)."""
    _body, payload = await _json_body(request)

    def work() -> WebhookResult:
        return WebhookResult(applied=trackers.jira_webhook(session, secret=secret, payload=payload))

    return await commit_with(session, work)
