"""API routes: the notification outbox, templates (with preview), outgoing webhook
subscriptions with their delivery log and replay, and contact points.

Admin only (the `admin` scope for tokens), except contact points, which staff manage
(`accounts:write`) for customers and for themselves.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from csops.domains.accounts.actor import Actor
from csops.domains.notifications import manage, webhooks
from csops.domains.notifications.models import OutboxStatus
from csops.domains.notifications.schemas import (
    ContactPointIn,
    ContactPointOut,
    OutboxItemOut,
    PreviewOut,
    TemplateIn,
    TemplateOut,
    WebhookDeliveryOut,
    WebhookSubscriptionCreated,
    WebhookSubscriptionIn,
    WebhookSubscriptionOut,
)
from csops.web.api.pagination import Id, Page, after_id, cut
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import StaffAccountsReader, StaffAccountsWriter, scoped
from csops.web.deps import SessionDep

router = APIRouter(prefix="/notifications", tags=["notifications"], route_class=ApiRoute)
Admin = Annotated[Actor, Depends(scoped("admin", staff=True))]
Name = Annotated[str, Path(max_length=100)]
Locale = Annotated[str, Path(max_length=10)]
MaybeId = Annotated[int | None, Query(ge=1, le=2_147_483_647)]
PROBLEMS: dict[int | str, dict[str, str]] = {
    401: {"description": "Not signed in (problem+json)"},
    403: {"description": "Only admins (problem+json)"},
    404: {"description": "Not found (problem+json)"},
    422: {"description": "The request is not valid (problem+json)"},
}
T = "/templates/{template_name}/{locale}"


@router.get(
    "/outbox",
    response_model=Page[OutboxItemOut],
    responses=PROBLEMS,
    summary="List outbox items, newest first",
)
def list_outbox(
    session: SessionDep,
    actor: Admin,
    status: Annotated[OutboxStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
) -> Page[OutboxItemOut]:
    rows = manage.list_outbox(
        session, actor=actor, status=status, before_id=after_id(cursor), limit=limit + 1
    )
    items, next_cursor = cut(rows, limit, lambda i: i.id)
    return Page[OutboxItemOut](
        items=[OutboxItemOut.model_validate(i) for i in items], next_cursor=next_cursor
    )


@router.post(
    "/outbox/{outbox_id}/requeue",
    response_model=OutboxItemOut,
    responses={**PROBLEMS, 409: {"description": "Already sent (problem+json)"}},
    summary="Give a failed or dead item a fresh set of attempts",
)
def requeue(outbox_id: Id, session: SessionDep, actor: Admin) -> OutboxItemOut:
    return OutboxItemOut.model_validate(manage.requeue(session, actor=actor, outbox_id=outbox_id))


@router.get(
    "/templates",
    response_model=list[TemplateOut],
    responses=PROBLEMS,
    summary="Every template in every locale (overrides and defaults)",
)
def list_templates(session: SessionDep, actor: Admin) -> list[TemplateOut]:
    return manage.list_templates(session, actor=actor)


@router.get(T, response_model=TemplateOut, responses=PROBLEMS, summary="Read one template")
def get_template(
    template_name: Name, locale: Locale, session: SessionDep, actor: Admin
) -> TemplateOut:
    return manage.get_template(session, actor=actor, name=template_name, locale=locale)


@router.put(T, response_model=TemplateOut, responses=PROBLEMS, summary="Override a template")
def put_template(
    template_name: Name, locale: Locale, data: TemplateIn, session: SessionDep, actor: Admin
) -> TemplateOut:
    """Checked in the sandbox and rendered with sample data before it is saved."""
    return manage.save_template(session, actor=actor, name=template_name, locale=locale, data=data)


@router.delete(T, status_code=204, responses=PROBLEMS, summary="Back to the default template")
def reset_template(
    template_name: Name, locale: Locale, session: SessionDep, actor: Admin
) -> Response:
    manage.reset_template(session, actor=actor, name=template_name, locale=locale)
    return Response(status_code=204)


@router.post(
    "/templates/preview",
    response_model=PreviewOut,
    responses=PROBLEMS,
    summary="Render a template with sample data, without saving it",
)
def preview(data: TemplateIn, session: SessionDep, actor: Admin) -> PreviewOut:
    out = manage.preview(session, actor=actor, data=data)
    return PreviewOut(subject=out.subject, text=out.text, html=out.html)


@router.get(
    "/webhooks",
    response_model=list[WebhookSubscriptionOut],
    responses=PROBLEMS,
    summary="List outgoing webhook subscriptions",
)
def list_webhooks(session: SessionDep, actor: Admin) -> list[WebhookSubscriptionOut]:
    return [
        WebhookSubscriptionOut.model_validate(s)
        for s in manage.list_subscriptions(session, actor=actor)
    ]


@router.post(
    "/webhooks",
    status_code=201,
    response_model=WebhookSubscriptionCreated,
    responses=PROBLEMS,
    summary="Subscribe a URL to events (checked against SSRF)",
)
def create_webhook(
    data: WebhookSubscriptionIn, session: SessionDep, actor: Admin
) -> WebhookSubscriptionCreated:
    """The answer carries the signing secret (Standard Webhooks, "whsec_..."), once."""
    sub = webhooks.save_subscription(session, actor=actor, data=data)
    return WebhookSubscriptionCreated.model_validate(sub)


@router.get(
    "/webhooks/{webhook_subscription_id}",
    response_model=WebhookSubscriptionOut,
    responses=PROBLEMS,
    summary="Read one webhook subscription",
)
def get_webhook(
    webhook_subscription_id: Id, session: SessionDep, actor: Admin
) -> WebhookSubscriptionOut:
    sub = webhooks.get_subscription(session, actor=actor, subscription_id=webhook_subscription_id)
    return WebhookSubscriptionOut.model_validate(sub)


@router.put(
    "/webhooks/{webhook_subscription_id}",
    response_model=WebhookSubscriptionOut,
    responses=PROBLEMS,
    summary="Change a webhook subscription",
)
def put_webhook(
    webhook_subscription_id: Id, data: WebhookSubscriptionIn, session: SessionDep, actor: Admin
) -> WebhookSubscriptionOut:
    sub = webhooks.save_subscription(
        session, actor=actor, data=data, subscription_id=webhook_subscription_id
    )
    return WebhookSubscriptionOut.model_validate(sub)


@router.delete(
    "/webhooks/{webhook_subscription_id}",
    status_code=204,
    responses=PROBLEMS,
    summary="Delete a webhook subscription and its delivery log",
)
def delete_webhook(webhook_subscription_id: Id, session: SessionDep, actor: Admin) -> Response:
    webhooks.delete_subscription(session, actor=actor, subscription_id=webhook_subscription_id)
    return Response(status_code=204)


@router.get(
    "/webhooks/{webhook_subscription_id}/deliveries",
    response_model=list[WebhookDeliveryOut],
    responses=PROBLEMS,
    summary="The delivery log of a subscription, newest first",
)
def list_deliveries(
    webhook_subscription_id: Id, session: SessionDep, actor: Admin
) -> list[WebhookDeliveryOut]:
    rows = manage.list_deliveries(session, actor=actor, subscription_id=webhook_subscription_id)
    return [WebhookDeliveryOut.model_validate(d) for d in rows]


@router.post(
    "/webhook-deliveries/{webhook_delivery_id}/replay",
    status_code=201,
    response_model=WebhookDeliveryOut,
    responses=PROBLEMS,
    summary="Send a logged delivery again (same webhook-id and payload)",
)
def replay(webhook_delivery_id: Id, session: SessionDep, actor: Admin) -> WebhookDeliveryOut:
    return WebhookDeliveryOut.model_validate(
        webhooks.replay(session, actor=actor, delivery_id=webhook_delivery_id)
    )


@router.get(
    "/contact-points",
    response_model=list[ContactPointOut],
    responses=PROBLEMS,
    summary="Contact points of a customer or a user",
)
def list_contact_points(
    session: SessionDep,
    actor: StaffAccountsReader,
    customer_id: MaybeId = None,
    user_id: MaybeId = None,
) -> list[ContactPointOut]:
    rows = manage.list_contact_points(
        session, actor=actor, customer_id=customer_id, user_id=user_id
    )
    return [ContactPointOut.model_validate(p) for p in rows]


@router.post(
    "/contact-points",
    status_code=201,
    response_model=ContactPointOut,
    responses=PROBLEMS,
    summary="Add a contact point (email, SMS, Slack, Teams, Telegram, any apprise URL)",
)
def add_contact_point(
    data: ContactPointIn, session: SessionDep, actor: StaffAccountsWriter
) -> ContactPointOut:
    return ContactPointOut.model_validate(manage.add_contact_point(session, actor=actor, data=data))


@router.delete(
    "/contact-points/{contact_point_id}",
    status_code=204,
    responses=PROBLEMS,
    summary="Remove a contact point",
)
def delete_contact_point(
    contact_point_id: Id, session: SessionDep, actor: StaffAccountsWriter
) -> Response:
    manage.delete_contact_point(session, actor=actor, contact_point_id=contact_point_id)
    return Response(status_code=204)
