"""Demo SLA: a Berlin office calendar with German holidays, a 24x7 one, policies per
priority (urgent and enterprise customers around the clock, internal requests on their own
targets), and SLA states planned for the demo tickets already loaded."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import frozen
from csops.domains.accounts.actor import Actor
from csops.domains.sla import planner, service
from csops.domains.sla.models import Metric, SlaPolicy, SlaStatus, TicketSla
from csops.domains.sla.policies import ordered_policies
from csops.domains.sla.schemas import CalendarIn, PolicyIn
from csops.domains.tickets.models import Ticket

MAX_SOLVED = 500  # the history KPIs show; older solved tickets keep no SLA rows (speed)
OFFICE = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
# (name, conditions, first response, next response, resolution, 24x7)
POLICIES = [
    ("Urgent 24x7", {"priorities": ["urgent"]}, 30, 60, 8 * 60, True),
    ("Enterprise", {"tiers": ["enterprise"]}, 60, 120, 16 * 60, True),
    ("Internal requests", {"internal": True}, 4 * 60, 8 * 60, 5 * 9 * 60, False),
    ("High", {"priorities": ["high"]}, 2 * 60, 4 * 60, 2 * 9 * 60, False),
    ("Normal", {"priorities": ["normal"]}, 4 * 60, 8 * 60, 3 * 9 * 60, False),
    ("Low", {}, 9 * 60, 2 * 9 * 60, 10 * 9 * 60, False),
]


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    if session.scalar(select(SlaPolicy.id).limit(1)) is not None:
        return
    system = Actor.system()
    office = service.save_calendar(
        session,
        data=CalendarIn(
            name="Berlin office",
            timezone="Europe/Berlin",
            hours=OFFICE,
            holiday_country="DE",
            holiday_subdiv="BE",
            custom_holidays=[datetime(now.year, 12, 24).date(), datetime(now.year, 12, 31).date()],
        ),
        actor=system,
    )
    service.save_calendar(
        session, data=CalendarIn(name="Around the clock", always_open=True), actor=system
    )
    for position, (name, conditions, first, nxt, resolution, always) in enumerate(POLICIES):
        service.create_policy(
            session,
            data=PolicyIn(
                name=name,
                position=(position + 1) * 10,
                conditions=conditions,
                calendar_id=None if always else office.id,
                business_hours=not always,
                first_response_minutes=first,
                next_response_minutes=nxt,
                resolution_minutes=resolution,
                escalate=["assignee", "team_lead", "page"] if always else ["assignee", "team_lead"],
            ),
            actor=system,
        )
    _plan_tickets(session, now)


def _plan_tickets(session: Session, now: datetime) -> None:
    """Targets of the loaded tickets: solved ones achieved (on time or late) at their reply
    and solve times; open ones running, with thresholds already past marked as given."""
    open_ = select(Ticket).where(Ticket.solved_at.is_(None)).order_by(Ticket.id)
    solved = select(Ticket).where(Ticket.solved_at.is_not(None)).order_by(Ticket.id.desc())
    tickets = [
        *session.scalars(open_).unique().all(),
        *session.scalars(solved.limit(MAX_SOLVED)).unique().all(),
    ]
    policies = [p for p in ordered_policies(session) if p.enabled]
    with frozen(now), session.no_autoflush:
        for ticket in tickets:
            if ticket.solved_at is None:
                service.plan_existing(session, ticket_id=ticket.id)
                _settle_past(session, ticket.id, now)
                continue
            policy = service.match_policy(session, ticket, policies)
            if policy is None:
                continue
            for metric, done in (
                (Metric.first_response, ticket.first_public_reply_at or ticket.solved_at),
                (Metric.resolution, ticket.solved_at),
            ):
                row = planner.start(session, ticket, policy, metric, ticket.created_at)
                if row is not None:
                    planner.achieve(session, row, policy, done)
                    row.target_at = planner.compute(session, row, policy).target_at


def _settle_past(session: Session, ticket_id: int, now: datetime) -> None:
    """Thresholds that passed before the demo was loaded are history, not alarms to send."""
    for row in session.scalars(select(TicketSla).where(TicketSla.ticket_id == ticket_id)):
        if row.achieved_at is not None or row.target_at is None:
            continue
        plan = planner.compute(
            session, row, None if row.policy_id is None else session.get(SlaPolicy, row.policy_id)
        )
        past = [p for p, at in plan.warn_at.items() if at <= now]
        if row.target_at <= now:
            past.append(planner.BREACH)
            row.breached_at = row.target_at
            row.status = SlaStatus.breached
        if past:
            row.warned = [f"{row.cycle}:{p}" for p in past]
            row.token += 1
            planner.replan_jobs(session, row, plan)
