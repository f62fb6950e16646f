"""Points 2 and 4: escalated tickets as masked evidence (reveal is audited); postmortems."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.incidents import evidence, postmortem, service
from csops.domains.incidents.models import LinkSource
from csops.domains.incidents.schemas import ActionItem, IncidentCreate, PostmortemIn
from csops.domains.tickets import service as tickets
from csops.domains.tickets.schemas import TicketCreate


def _escalated(db: Session, staff: SimpleNamespace, factories: SimpleNamespace) -> tuple[int, int]:
    customer = factories.customer(name="Maria Lopez", email="maria.lopez@mail.example")
    ticket = tickets.create_ticket(
        db,
        data=TicketCreate(
            subject="Payment fails for Maria",
            description="I am Maria Lopez, card 4111 1111 1111 1111, phone +34 612 345 678.",
        ),
        actor=Actor.for_customer(customer),
    )
    incident = service.create_incident(
        db,
        data=IncidentCreate(title="Payments", service_ids=[staff.service.id], source="escalation"),
        actor=staff.agent_actor,
    )
    service.link_tickets(
        db,
        incident_id=incident.id,
        ticket_ids=[ticket.id],
        actor=staff.agent_actor,
        source=LinkSource.escalation,
    )
    return incident.id, ticket.id


def test_evidence_is_masked_and_reveal_is_logged(
    db: Session, staff: SimpleNamespace, factories: SimpleNamespace
) -> None:
    incident_id, ticket_id = _escalated(db, staff, factories)
    [item] = evidence.evidence(db, incident_id=incident_id, actor=staff.manager_actor)
    assert item.source == LinkSource.escalation and not item.revealed
    for secret in ("Maria", "Lopez", "4111 1111", "612 345"):
        assert secret not in item.excerpt + item.subject + item.requester
    assert evidence.reveals(db, incident_id=incident_id) == []
    shown = evidence.reveal(
        db,
        incident_id=incident_id,
        ticket_id=ticket_id,
        reason="Need the card BIN to find the gateway",
        actor=staff.manager_actor,
    )
    assert "4111 1111 1111 1111" in shown.excerpt and shown.revealed
    [audit] = evidence.reveals(db, incident_id=incident_id)
    assert audit.user_id == staff.manager.id and "card BIN" in audit.reason


def test_postmortem_template_save_and_markdown(
    db: Session, staff: SimpleNamespace, factories: SimpleNamespace
) -> None:
    incident_id, _ticket = _escalated(db, staff, factories)
    service.post_update(
        db,
        incident_id=incident_id,
        body="Fixed the gateway",
        public=True,
        status="resolved",
        actor=staff.agent_actor,
    )
    draft = postmortem.get_postmortem(db, incident_id=incident_id, actor=staff.agent_actor)
    assert "1 customers, 1 tickets" in draft.impact
    assert [u.body for u in draft.timeline][-1] == "Fixed the gateway"
    saved = postmortem.save_postmortem(
        db,
        incident_id=incident_id,
        actor=staff.agent_actor,
        data=PostmortemIn(
            summary="Gateway node failed",
            impact=draft.impact,
            root_cause="Expired TLS cert",
            action_items=[
                ActionItem(title="Alert on cert expiry", owner="Ops", due=date(2030, 1, 31))
            ],
        ),
    )
    assert saved.root_cause == "Expired TLS cert" and saved.action_items[0].owner == "Ops"
    text = postmortem.to_markdown(db, incident_id=incident_id, actor=staff.agent_actor)
    assert text.startswith("# Postmortem: Payments")
    assert "## Root cause\n\nExpired TLS cert" in text
    assert "| Alert on cert expiry | Ops | 2030-01-31 |" in text
    assert "[resolved] Fixed the gateway" in text
