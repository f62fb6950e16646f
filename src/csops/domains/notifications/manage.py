"""Admin use cases: the outbox log, template overrides with preview, contact points."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Customer, User
from csops.domains.notifications import service, templates, webhooks
from csops.domains.notifications.access import require_admin
from csops.domains.notifications.models import (
    ContactKind,
    ContactPoint,
    OutboxItem,
    OutboxStatus,
    TemplateOverride,
    WebhookDelivery,
    WebhookSubscription,
)
from csops.domains.notifications.rendering import Rendered, check_syntax, render
from csops.domains.notifications.schemas import ContactPointIn, TemplateIn, TemplateOut
from csops.domains.notifications.service import default_brand
from csops.errors import Invalid, NotFound, PermissionDenied
from csops.integrations import netguard
from csops.integrations.apprise_notifier import is_valid_url
from csops.integrations.smtp_out.message import is_address
from csops.jobs.models import Job, JobState

GENERIC_HTTP_SCHEMES = frozenset({"json", "jsons", "form", "forms", "xml", "xmls"})
SAMPLE_CONTEXT = {
    "subject": "The printer is on fire",
    "customer_name": "Ann Example",
    "agent_name": "Sam Agent",
    "body": "Thanks for the details. We replaced the toner; <b>tags</b> stay literal.",
    "ticket_id": 123,
    "ticket_token": "[#123]",
    "link": "https://support.example/portal/login/sample",
    "minutes": 30,
    "incident_title": "Checkout errors",
    "status": "investigating",
    "preferences_url": "https://support.example/preferences/sample",
}


def list_outbox(
    session: Session,
    *,
    actor: Actor,
    status: OutboxStatus | None,
    before_id: int | None,
    limit: int,
) -> list[OutboxItem]:
    require_admin(actor)
    query = select(OutboxItem).order_by(OutboxItem.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxItem.status == status)
    if before_id is not None:
        query = query.where(OutboxItem.id < before_id)
    return list(session.scalars(query))


def requeue(session: Session, *, actor: Actor, outbox_id: int) -> OutboxItem:
    require_admin(actor)
    return service.requeue(session, outbox_id=outbox_id)


def list_subscriptions(session: Session, *, actor: Actor) -> list[WebhookSubscription]:
    require_admin(actor)
    return list(session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)))


def list_deliveries(
    session: Session, *, actor: Actor, subscription_id: int, limit: int = 100
) -> list[WebhookDelivery]:
    require_admin(actor)
    if session.get(WebhookSubscription, subscription_id) is None:
        raise NotFound("webhook subscription not found")
    return list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == subscription_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


def _check_name(name: str, locale: str) -> None:
    if name not in templates.template_names():
        raise NotFound("no such template")
    if locale not in templates.LOCALES:
        raise NotFound("no such locale")


def _override(session: Session, name: str, locale: str) -> TemplateOverride | None:
    return session.scalar(
        select(TemplateOverride).where(
            TemplateOverride.name == name, TemplateOverride.locale == locale
        )
    )


def get_template(session: Session, *, actor: Actor, name: str, locale: str) -> TemplateOut:
    require_admin(actor)
    _check_name(name, locale)
    row = _override(session, name, locale)
    if row is not None:
        return TemplateOut(
            name=name,
            locale=locale,
            subject=row.subject,
            text=row.text,
            html=row.html,
            overridden=True,
        )
    source = templates.default_source(name, locale)
    if source is None:
        raise NotFound("no such template")
    return TemplateOut(
        name=name,
        locale=locale,
        subject=source.subject,
        text=source.text,
        html=source.html,
        overridden=False,
    )


def list_templates(session: Session, *, actor: Actor) -> list[TemplateOut]:
    require_admin(actor)
    return [
        get_template(session, actor=actor, name=name, locale=locale)
        for name in templates.template_names()
        for locale in templates.LOCALES
    ]


def _validate(data: TemplateIn) -> None:
    for part in (data.subject, data.text, data.html):
        check_syntax(part)
    if not data.text.strip():
        raise Invalid("the text part may not be empty")


def save_template(
    session: Session, *, actor: Actor, name: str, locale: str, data: TemplateIn
) -> TemplateOut:
    require_admin(actor)
    _check_name(name, locale)
    _validate(data)
    preview(session, actor=actor, data=data)  # must render with the sample data too
    row = _override(session, name, locale)
    if row is None:
        row = TemplateOverride(name=name, locale=locale)
        session.add(row)
    row.subject, row.text, row.html = data.subject, data.text, data.html
    row.updated_at = now()
    row.updated_by_id = actor.id if actor.kind == "user" else None
    session.flush()
    return get_template(session, actor=actor, name=name, locale=locale)


def reset_template(session: Session, *, actor: Actor, name: str, locale: str) -> None:
    require_admin(actor)
    _check_name(name, locale)
    row = _override(session, name, locale)
    if row is not None:
        session.delete(row)
        session.flush()


def preview(session: Session, *, actor: Actor, data: TemplateIn) -> Rendered:
    require_admin(actor)
    _validate(data)
    brand = default_brand(session)
    context = {**SAMPLE_CONTEXT, "brand": {"name": brand.name, "from_name": brand.from_name}}
    return render(subject=data.subject, text=data.text, html=data.html, context=context)


def _check_owner(session: Session, actor: Actor, data: ContactPointIn) -> None:
    if (data.customer_id is None) == (data.user_id is None):
        raise Invalid("give exactly one of customer_id and user_id")
    if data.customer_id is not None and session.get(Customer, data.customer_id) is None:
        raise Invalid("no such customer")
    if data.user_id is not None:
        if session.get(User, data.user_id) is None:
            raise Invalid("no such user")
        if data.user_id != actor.id:
            require_admin(actor)


def _check_address(kind: ContactKind, address: str) -> str:
    clean = address.strip()
    if kind is ContactKind.email:
        if not is_address(clean):
            raise Invalid("not a valid email address")
    elif not is_valid_url(clean):
        raise Invalid("not a notification URL apprise understands")
    scheme, _, rest = clean.partition("://")
    if scheme.lower() in GENERIC_HTTP_SCHEMES:  # a URL of the user's choosing: SSRF guard
        try:
            netguard.check_url("http://" + rest, webhooks.allowed_ranges())
        except netguard.BlockedURL as exc:
            raise Invalid(f"contact point URL refused: {exc}") from exc
    return clean


def add_contact_point(session: Session, *, actor: Actor, data: ContactPointIn) -> ContactPoint:
    if not actor.is_staff:
        raise PermissionDenied("staff only")
    _check_owner(session, actor, data)
    point = ContactPoint(
        customer_id=data.customer_id,
        user_id=data.user_id,
        kind=data.kind,
        address=_check_address(data.kind, data.address),
        label=data.label.strip(),
        preferred=data.preferred,
    )
    if data.preferred:
        _unprefer(session, data.customer_id, data.user_id)
    session.add(point)
    session.flush()
    return point


def _unprefer(session: Session, customer_id: int | None, user_id: int | None) -> None:
    owner = (
        ContactPoint.customer_id == customer_id
        if customer_id is not None
        else ContactPoint.user_id == user_id
    )
    for point in session.scalars(select(ContactPoint).where(owner, ContactPoint.preferred)):
        point.preferred = False


def list_contact_points(
    session: Session, *, actor: Actor, customer_id: int | None, user_id: int | None
) -> list[ContactPoint]:
    if not actor.is_staff:
        raise PermissionDenied("staff only")
    query = select(ContactPoint).order_by(ContactPoint.id).limit(500)
    if customer_id is not None:
        query = query.where(ContactPoint.customer_id == customer_id)
    if user_id is not None:
        query = query.where(ContactPoint.user_id == user_id)
    return list(session.scalars(query))


def delete_contact_point(session: Session, *, actor: Actor, contact_point_id: int) -> None:
    point = session.get(ContactPoint, contact_point_id)
    if point is None or not actor.is_staff:
        raise NotFound("contact point not found")
    if point.user_id is not None and point.user_id != actor.id:
        require_admin(actor)
    session.delete(point)
    session.flush()


def record_pending_as_delivered(session: Session) -> int:
    """Marks every pending message as delivered when it was written, and drops its delivery
    job: for history loaded in bulk (the demo), which must not email anyone. Returns the
    number of messages marked."""
    marked = session.execute(
        update(OutboxItem)
        .where(OutboxItem.status == OutboxStatus.pending)
        .values(status=OutboxStatus.sent, sent_at=OutboxItem.created_at)
    )
    session.execute(
        delete(Job).where(Job.kind == service.DELIVER_JOB, Job.state == JobState.queued)
    )
    return int(getattr(marked, "rowcount", 0) or 0)
