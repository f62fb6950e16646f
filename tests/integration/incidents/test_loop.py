"""Points 1, 5-8: incidents, updates to every customer, auto-linking, resolution, metrics."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.incidents import loop, metrics, service
from csops.domains.incidents.models import IncidentStatus, LinkSource, ResolutionPolicy
from csops.domains.incidents.schemas import IncidentCreate, IncidentPatch
from csops.domains.tickets import service as tickets
from csops.domains.tickets import thread
from csops.domains.tickets.models import AuthorKind, Message, Status, Ticket
from csops.domains.tickets.schemas import MessageCreate, TicketCreate
from csops.errors import Invalid, NotFound
from tests.integration.incidents.conftest import drain
from tests.integration.notifications.sinks import SmtpSink


def report(db: Session, customer: object, subject: str = "Checkout fails", **kw: object) -> Ticket:
    return tickets.create_ticket(
        db,
        data=TicketCreate(subject=subject, description="Payment page shows error 502", **kw),
        actor=Actor.for_customer(customer),  # type: ignore[arg-type]
    )


def declare(db: Session, staff: SimpleNamespace, **kw: object) -> int:
    data = {"title": "Checkout errors", "severity": "SEV3", "service_ids": [staff.service.id]}
    data.update(kw)
    incident = service.create_incident(
        db, data=IncidentCreate.model_validate(data), actor=staff.manager_actor
    )
    return incident.id


def incident_mails(sink: SmtpSink, address: str) -> list[str]:
    return [
        str(m["Subject"])
        for m in sink.received
        if str(m["To"]) == address
        and "#" in str(m["Subject"])
        and "Printer" not in str(m["Subject"])
    ]


def test_incident_fields_timestamps_and_durations(db: Session, staff: SimpleNamespace) -> None:
    incident_id = declare(db, staff, commander_id=staff.manager.id, page=False)
    incident = service.get_incident(db, incident_id=incident_id, actor=staff.agent_actor)
    assert incident.status == IncidentStatus.investigating
    assert [r.role.value for r in incident.roles] == ["commander"]
    service.update_incident(
        db,
        incident_id=incident_id,
        data=IncidentPatch.model_validate(
            {
                "roles": [
                    {"role": "liaison", "user_id": staff.agent.id},
                    {"role": "development", "user_id": staff.manager.id},
                ]
            }
        ),
        actor=staff.manager_actor,
    )
    assert {r.role.value for r in incident.roles} == {"liaison", "development"}
    service.post_update(
        db,
        incident_id=incident_id,
        body="Found it",
        public=False,
        status="identified",
        actor=staff.agent_actor,
    )
    service.post_update(
        db,
        incident_id=incident_id,
        body="Fixed",
        public=False,
        status="monitoring",
        actor=staff.agent_actor,
    )
    service.post_update(
        db,
        incident_id=incident_id,
        body="Done",
        public=False,
        status="resolved",
        actor=staff.agent_actor,
    )
    assert incident.acknowledged_at and incident.mitigated_at and incident.resolved_at
    figures = metrics.durations(db, incident)
    assert figures.time_to_resolve is not None and figures.time_to_resolve >= 0
    with pytest.raises(Invalid):
        service.create_incident(
            db, data=IncidentCreate(title="x", service_ids=[999999]), actor=staff.manager_actor
        )


def test_customers_cannot_see_incidents(
    db: Session, staff: SimpleNamespace, factories: SimpleNamespace
) -> None:
    incident_id = declare(db, staff, page=False)
    customer = Actor.for_customer(factories.customer())
    with pytest.raises(NotFound):
        service.get_incident(db, incident_id=incident_id, actor=customer)


def test_public_update_reaches_each_customer_once_in_their_language(
    db: Session, staff: SimpleNamespace, factories: SimpleNamespace, smtp: SmtpSink
) -> None:
    en = factories.customer(locale="en")
    zh = factories.customer(locale="zh_Hans")
    t1, t2 = report(db, en), report(db, zh)
    incident_id = declare(db, staff, page=False)
    assert (
        service.link_tickets(
            db,
            incident_id=incident_id,
            ticket_ids=[t1.id, t2.id],
            actor=staff.agent_actor,
            source=LinkSource.bulk,
        )
        == 2
    )
    drain(db)
    smtp.received.clear()
    update = service.post_update(
        db,
        incident_id=incident_id,
        body="We found the cause.",
        public=True,
        actor=staff.agent_actor,
    )
    drain(db)
    drain(db)  # a second run finds nothing left to send
    assert loop.deliver_update(db, update_id=update.id) == 0
    assert len(incident_mails(smtp, en.email)) == 1
    assert len(incident_mails(smtp, zh.email)) == 1
    assert "进展" in incident_mails(smtp, zh.email)[0]
    for ticket in (t1, t2):
        last = db.scalars(
            select(Message).where(Message.ticket_id == ticket.id).order_by(Message.id.desc())
        ).first()
        assert last is not None and last.is_public and last.author_kind == AuthorKind.system
        assert "We found the cause." in last.body_text
    figures = metrics.compute(
        db, service.get_incident(db, incident_id=incident_id, actor=staff.agent_actor)
    )
    assert figures.customers_affected == 2 and figures.tickets_linked == 2
    assert figures.notifications == 2 and figures.notify_p95_seconds is not None
    assert figures.first_report_to_incident_seconds is not None


def test_new_ticket_is_autolinked_and_acknowledged(
    db: Session, staff: SimpleNamespace, factories: SimpleNamespace, smtp: SmtpSink
) -> None:
    incident_id = declare(db, staff, page=False, keywords=["error 502"])
    service.post_update(
        db,
        incident_id=incident_id,
        body="Payments degraded, fix underway.",
        public=True,
        actor=staff.agent_actor,
    )
    customer = factories.customer()
    ticket = report(db, customer, subject="Cannot pay")  # no service: keyword rule
    links = service.linked_tickets(db, incident_id=incident_id)
    assert [link.ticket_id for link in links] == [ticket.id]
    assert links[0].source == LinkSource.auto
    ack = db.scalars(
        select(Message).where(Message.ticket_id == ticket.id).order_by(Message.id.desc())
    ).first()
    assert ack is not None and "Checkout errors" in ack.body_text
    assert "Payments degraded" in ack.body_text
    drain(db)
    mails = [m for m in smtp.received if str(m["To"]) == customer.email]
    assert any("We know about this problem" in str(m["Subject"]) for m in mails)
    assert len(mails) == 1, [str(m["Subject"]) for m in mails]  # no generic ack as well
    # the agent unlinks it; a new unrelated ticket is left alone
    service.unlink_ticket(db, incident_id=incident_id, ticket_id=ticket.id, actor=staff.agent_actor)
    assert service.linked_tickets(db, incident_id=incident_id) == []
    other = tickets.create_ticket(
        db,
        data=TicketCreate(subject="Invoice copy", description="Please resend my invoice"),
        actor=Actor.for_customer(factories.customer()),
    )
    assert service.incidents_for_ticket(db, ticket_id=other.id) == []


def test_resolution_solves_tickets_and_a_reply_reopens(
    db: Session, staff: SimpleNamespace, factories: SimpleNamespace, smtp: SmtpSink
) -> None:
    customer = factories.customer()
    ticket = report(db, customer)
    kept = report(db, factories.customer())
    incident_id = declare(db, staff, page=False)
    service.link_tickets(
        db, incident_id=incident_id, ticket_ids=[ticket.id, kept.id], actor=staff.agent_actor
    )
    service.post_update(
        db,
        incident_id=incident_id,
        body="All fixed.",
        public=True,
        status="resolved",
        actor=staff.agent_actor,
    )
    drain(db)
    db.refresh(ticket)
    assert ticket.status == Status.solved
    assert len([m for m in incident_mails(smtp, customer.email) if "Resolved" in m]) == 1
    thread.add_message(
        db,
        ticket_id=ticket.id,
        data=MessageCreate(body="Still broken"),
        actor=Actor.for_customer(customer),
    )
    db.refresh(ticket)
    assert ticket.status == Status.open


def test_notify_policy_leaves_tickets_open(
    db: Session, staff: SimpleNamespace, factories: SimpleNamespace, smtp: SmtpSink
) -> None:
    ticket = report(db, factories.customer())
    incident_id = declare(db, staff, page=False, resolution_policy=ResolutionPolicy.notify)
    service.link_tickets(
        db, incident_id=incident_id, ticket_ids=[ticket.id], actor=staff.agent_actor
    )
    service.post_update(
        db,
        incident_id=incident_id,
        body="Fixed",
        public=False,
        status="resolved",
        actor=staff.agent_actor,
    )
    drain(db)
    db.refresh(ticket)
    assert ticket.status == Status.open
    assert any("Resolved" in str(m["Subject"]) for m in smtp.received)
