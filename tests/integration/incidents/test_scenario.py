"""The end-to-end scenario of issue 4.

50 customers report the same failure; an agent escalates one ticket to engineering and
bulk-links the other 49; the on-call engineer of the service is paged and acknowledges;
two public updates and the resolution reach every one of the 50 customers exactly once
(counted at a real SMTP server after draining the jobs); the status page shows the
incident and its history.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role
from csops.domains.incidents import metrics, service
from csops.domains.incidents.models import IncidentStatus, LinkSource
from csops.domains.incidents.schemas import IncidentCreate
from csops.domains.oncall import pages, schedules
from csops.domains.oncall.models import Page
from csops.domains.oncall.schemas import ScheduleIn
from csops.domains.statuspage import render
from csops.domains.statuspage import service as statuspage
from csops.domains.statuspage.models import StatusComponent
from csops.domains.tickets import service as tickets
from csops.domains.tickets.models import Status, Ticket
from csops.domains.tickets.schemas import TicketCreate
from tests.integration.incidents.conftest import drain
from tests.integration.notifications.sinks import SmtpSink

CUSTOMERS = 50


def _on_call_engineer(db: Session, factories: SimpleNamespace) -> SimpleNamespace:
    team = factories.team(name="Payments engineering")
    engineer = factories.user(role=Role.agent, name="Erin Engineer", teams=[team])
    svc = factories.service(name="Payments", slug="payments", owning_team_id=team.id)
    start = (now() - timedelta(days=2)).replace(tzinfo=None, microsecond=0)
    schedules.save_schedule(
        db,
        data=ScheduleIn.model_validate(
            {
                "name": "Payments primary",
                "team_id": team.id,
                "layers": [{"participant_ids": [engineer.id], "starts_local": start.isoformat()}],
            }
        ),
    )
    db.add(StatusComponent(name="Payments", service_id=svc.id))
    db.flush()
    return SimpleNamespace(team=team, engineer=engineer, service=svc)


def _reports(db: Session, factories: SimpleNamespace) -> list[Ticket]:
    made = []
    for n in range(CUSTOMERS):
        customer = factories.customer(
            name=f"Customer {n}", locale="zh_Hans" if n % 5 == 0 else "en"
        )
        made.append(
            tickets.create_ticket(
                db,
                data=TicketCreate(
                    subject="Card payment fails", description=f"Error 502 at checkout ({n})"
                ),
                actor=Actor.for_customer(customer),
            )
        )
    return made


def test_fifty_customers_one_incident_every_update_exactly_once(
    db: Session, factories: SimpleNamespace, smtp: SmtpSink
) -> None:
    eng = _on_call_engineer(db, factories)
    agent = Actor.for_user(factories.user(role=Role.manager, name="Alex Agent"))
    reported = _reports(db, factories)
    drain(db)
    smtp.received.clear()

    # The agent escalates the first ticket: a SEV2 on the Payments service (pages on-call).
    incident = service.create_incident(
        db,
        data=IncidentCreate(
            title="Card payments fail at checkout",
            severity="SEV2",
            service_ids=[eng.service.id],
            summary="Many customers see error 502 when paying by card.",
            source="escalation",
            started_at=now() - timedelta(minutes=40),
        ),
        actor=agent,
    )
    assert (
        service.link_tickets(
            db,
            incident_id=incident.id,
            ticket_ids=[reported[0].id],
            actor=agent,
            source=LinkSource.escalation,
        )
        == 1
    )
    # ... and bulk-links the other 49 from the inbox.
    rest = [t.id for t in reported[1:]]
    assert (
        service.link_tickets(
            db, incident_id=incident.id, ticket_ids=rest, actor=agent, source=LinkSource.bulk
        )
        == CUSTOMERS - 1
    )

    # The on-call engineer was paged once (by email) and acknowledges.
    page = db.scalars(select(Page).where(Page.incident_id == incident.id)).one()
    drain(db)
    page_mails = [m for m in smtp.received if str(m["To"]) == eng.engineer.email]
    assert len(page_mails) == 1
    pages.acknowledge(db, page_id=page.id, user_id=eng.engineer.id)
    assert metrics.acknowledged_at(db, incident) is not None

    # Two public updates and the resolution.
    service.post_update(
        db,
        incident_id=incident.id,
        body="We found a faulty gateway node.",
        public=True,
        status="identified",
        actor=agent,
    )
    drain(db)
    service.post_update(
        db,
        incident_id=incident.id,
        body="Traffic moved to healthy nodes.",
        public=True,
        status="monitoring",
        actor=agent,
    )
    drain(db)
    service.post_update(
        db,
        incident_id=incident.id,
        body="Payments work normally again.",
        public=True,
        status="resolved",
        actor=agent,
    )
    drain(db)
    drain(db)  # nothing left: a second drain sends nothing more

    customers = {t.requester.email for t in reported}
    to_customers = [m for m in smtp.received if str(m["To"]) in customers]
    about = [m for m in to_customers if "Card payments fail at checkout" in str(m["Subject"])]
    per_customer = Counter(str(m["To"]) for m in about)
    assert set(per_customer) == customers
    assert set(per_customer.values()) == {3}  # 2 updates + 1 resolution, each exactly once
    subjects = Counter(
        str(m["Subject"]).split("]", 1)[1].replace("：", ":").split(":")[0].strip() for m in about
    )
    assert subjects == {"Update": 80, "Resolved": 40, "进展": 20, "已解决": 10}
    # Solving the tickets may add one CSAT survey each (feedback domain), nothing else.
    others = Counter(str(m["To"]) for m in to_customers if m not in about)
    assert set(others.values()) <= {1}

    # Every ticket got the messages in its thread and was solved by the resolution.
    for ticket in reported:
        db.refresh(ticket)
        assert ticket.status == Status.solved
    assert incident.status == IncidentStatus.resolved
    figures = metrics.compute(db, incident)
    assert figures.customers_affected == CUSTOMERS
    assert figures.tickets_linked == CUSTOMERS
    assert figures.notifications == 3 * CUSTOMERS
    assert figures.notify_p95_seconds is not None

    # The status page shows the incident with its public history.
    summary = render.summary(statuspage.snapshot(db))
    assert [i.title for i in summary.recent] == ["Card payments fail at checkout"]
    history = [u.status for u in summary.recent[0].updates]
    assert history == ["resolved", "monitoring", "identified"]
    payments = next(c for c in summary.components if c.name == "Payments")
    assert payments.status == "operational" and payments.uptime_90d < 1.0
    feed = render.atom(statuspage.snapshot(db), base_url="http://x", path="/status")
    assert feed.count("<entry>") == 3
