"""Demo data of the incidents area: status page components for every service, a resolved
incident (10 days ago) with its linked tickets, timeline and postmortem, and an active
SEV2 with public updates (its updates reach the linked customers when the worker runs)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role, Service, User
from csops.domains.incidents import postmortem, service
from csops.domains.incidents.models import LinkSource, RoleKind
from csops.domains.incidents.schemas import ActionItem, IncidentCreate, PostmortemIn, RoleIn
from csops.domains.statuspage.models import StatusComponent
from csops.domains.tickets.models import Status, Ticket
from csops.jobs.models import Job, JobState

PAST_UPDATES = (
    (0, "investigating", True, "We are investigating reports of failed logins."),
    (12, None, False, "Auth latency p99 at 9 s; error budget burning fast."),
    (25, "identified", True, "A configuration change to the session store caused the errors."),
    (40, "monitoring", True, "The change was rolled back; logins are recovering."),
    (95, "resolved", True, "Logins work normally again. Sorry for the trouble."),
)
ACTIVE_UPDATES = (
    (0, None, True, "We are investigating slow and failing card payments."),
    (18, "identified", True, "A payment gateway node is unhealthy; traffic is being moved."),
)


def _components(session: Session, services: list[Service]) -> None:
    for position, svc in enumerate(services):
        exists = session.scalar(select(StatusComponent.id).where(StatusComponent.name == svc.name))
        if exists is None:
            session.add(
                StatusComponent(
                    name=svc.name,
                    service_id=svc.id,
                    position=position,
                    description=svc.description[:2000],
                )
            )
    session.flush()


def _tickets(session: Session, service_id: int, near: datetime, count: int) -> list[int]:
    window = (near - timedelta(days=2), near + timedelta(days=2))
    rows = session.scalars(
        select(Ticket.id)
        .where(Ticket.service_id == service_id, Ticket.created_at.between(*window))
        .where(Ticket.status != Status.closed)
        .order_by(Ticket.created_at)
        .limit(count)
    ).all()
    return list(rows)


def _timeline(
    session: Session,
    incident_id: int,
    start: datetime,
    actor: Actor,
    updates: tuple[tuple[int, str | None, bool, str], ...],
) -> None:
    for minutes, status, public, body in updates:
        with clock.frozen(start + timedelta(minutes=minutes)):
            service.post_update(
                session,
                incident_id=incident_id,
                body=body,
                public=public,
                status=status,
                actor=actor,
            )


def _resolved(
    session: Session, svc: Service, lead: User, now: datetime, rng: random.Random
) -> None:
    start = (now - timedelta(days=10)).replace(hour=9, minute=rng.randint(0, 30), second=0)
    actor = Actor.for_user(lead)
    with clock.frozen(start + timedelta(minutes=6)):
        incident = service.create_incident(
            session,
            data=IncidentCreate(
                title=f"{svc.name}: logins failing",
                severity="SEV2",
                service_ids=[svc.id],
                summary="Customers could not sign in after a session store change.",
                keywords=["login", "sign in"],
                started_at=start,
                page=False,
                roles=[RoleIn(role=RoleKind.commander, user_id=lead.id)],
            ),
            actor=actor,
        )
        ids = _tickets(session, svc.id, start, 6)
        if ids:
            service.link_tickets(
                session,
                incident_id=incident.id,
                ticket_ids=ids,
                actor=actor,
                source=LinkSource.bulk,
            )
    _timeline(session, incident.id, start + timedelta(minutes=6), actor, PAST_UPDATES)
    # History: its customers were told at the time; nothing is left to send now.
    session.execute(
        delete(Job).where(
            Job.kind.in_(("incidents.deliver", "statuspage.fanout")), Job.state == JobState.queued
        )
    )
    postmortem.save_postmortem(
        session,
        incident_id=incident.id,
        actor=actor,
        data=PostmortemIn(
            summary="A session store configuration change made logins fail for 95 minutes.",
            impact=postmortem.default_impact(session, incident),
            root_cause="The change lowered the connection limit below peak demand; "
            "the canary did not cover the login path.",
            lessons="Config changes need the same canary as code.",
            action_items=[
                ActionItem(
                    title="Add the login path to the canary",
                    owner=lead.name,
                    due=date.today() + timedelta(days=14),
                ),
                ActionItem(
                    title="Alert on session store saturation",
                    owner="Operations",
                    due=date.today() + timedelta(days=7),
                    done=True,
                ),
            ],
            published=True,
        ),
    )


def _active(session: Session, svc: Service, lead: User, now: datetime) -> None:
    start = now - timedelta(minutes=50)
    actor = Actor.for_user(lead)
    with clock.frozen(start + timedelta(minutes=8)):
        incident = service.create_incident(
            session,
            data=IncidentCreate(
                title=f"{svc.name}: card payments slow or failing",
                severity="SEV2",
                service_ids=[svc.id],
                summary="Checkout errors reported by several customers.",
                keywords=["payment", "card declined"],
                started_at=start,
                page=False,
                roles=[RoleIn(role=RoleKind.liaison, user_id=lead.id)],
            ),
            actor=actor,
        )
        ids = _tickets(session, svc.id, now, 8)
        if ids:
            service.link_tickets(
                session,
                incident_id=incident.id,
                ticket_ids=ids,
                actor=actor,
                source=LinkSource.bulk,
            )
    _timeline(session, incident.id, start + timedelta(minutes=8), actor, ACTIVE_UPDATES)


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    services = list(session.scalars(select(Service).order_by(Service.id)))
    lead = session.scalar(select(User).where(User.role == Role.manager).order_by(User.id))
    if not services or lead is None:
        return
    _components(session, services)
    busiest = session.execute(
        select(Ticket.service_id, func.count())
        .where(Ticket.service_id.is_not(None))
        .group_by(Ticket.service_id)
        .order_by(func.count().desc())
    ).all()
    ranked = [s for s in (session.get(Service, sid) for sid, _n in busiest) if s] or services

    def themed(*words: str) -> Service:
        found = [s for s in ranked if any(w in s.slug for w in words)]
        return found[0] if found else ranked[0]

    _resolved(session, themed("login", "sso", "auth"), lead, now, rng)
    _active(session, themed("pay", "billing", "checkout"), lead, now)
