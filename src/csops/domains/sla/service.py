"""SLA use cases other areas call: live state of tickets, policies, calendars, re-planning."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import as_utc, now
from csops.domains.accounts.actor import Actor
from csops.domains.sla import planner
from csops.domains.sla.models import Metric, SlaPolicy, SlaStatus, TicketSla
from csops.domains.sla.policies import (
    create_policy,
    delete_policy,
    get_calendar,
    get_policy,
    list_calendars,
    match_policy,
    ordered_policies,
    require_admin,
    require_staff,
    save_calendar,
    update_policy,
)
from csops.domains.sla.schemas import MetricState, TicketSlaOut
from csops.domains.sla.subscribers import track
from csops.domains.tickets import service as tickets
from csops.domains.tickets.hooks import TicketChange

__all__ = [
    "create_policy",
    "delete_policy",
    "get_calendar",
    "get_policy",
    "list_calendars",
    "list_policies",
    "match_policy",
    "metric_state",
    "require_admin",
    "save_calendar",
    "states_for",
    "ticket_state",
    "update_policy",
]

METRIC_ORDER = list(Metric)


def list_policies(session: Session, *, actor: Actor) -> list[SlaPolicy]:
    require_staff(actor)
    return ordered_policies(session)


def metric_state(session: Session, row: TicketSla, policy: SlaPolicy | None) -> MetricState:
    plan = planner.compute(session, row, policy)
    target = timedelta(minutes=row.target_minutes)
    used = int(100 * plan.elapsed / target) if target else 100
    running = row.achieved_at is None
    left = (
        int((as_utc(row.target_at) - now()).total_seconds())
        if running and row.target_at is not None
        else None
    )
    status = row.status
    if running and row.breached_at is None and plan.breached:
        status = SlaStatus.breached  # the breach job has not run yet
    return MetricState(
        metric=row.metric.value,
        status=status.value,
        cycle=row.cycle,
        target_minutes=row.target_minutes,
        started_at=row.started_at,
        target_at=row.target_at,
        achieved_at=row.achieved_at,
        breached_at=row.breached_at,
        seconds_left=left,
        business_seconds_left=int(plan.remaining.total_seconds()),
        percent_used=max(0, used),
        paused=plan.paused,
    )


def states_for(session: Session, ticket_ids: Sequence[int]) -> dict[int, list[MetricState]]:
    """Every ticket's targets, in one query (policies and calendars are few)."""
    if not ticket_ids:
        return {}
    rows = session.scalars(select(TicketSla).where(TicketSla.ticket_id.in_(list(ticket_ids))))
    policies: dict[int, SlaPolicy | None] = {}
    out: dict[int, list[MetricState]] = {}
    for row in sorted(rows, key=lambda r: (r.ticket_id, METRIC_ORDER.index(r.metric))):
        if row.policy_id not in policies and row.policy_id is not None:
            policies[row.policy_id] = session.get(SlaPolicy, row.policy_id)
        policy = policies.get(row.policy_id) if row.policy_id is not None else None
        out.setdefault(row.ticket_id, []).append(metric_state(session, row, policy))
    return out


def ticket_state(session: Session, *, ticket_id: int, actor: Actor) -> TicketSlaOut:
    ticket = tickets.get_ticket(session, ticket_id=ticket_id, actor=actor)
    require_staff(actor)
    metrics = states_for(session, [ticket.id]).get(ticket.id, [])
    policy_id = session.scalar(
        select(TicketSla.policy_id).where(TicketSla.ticket_id == ticket.id).limit(1)
    )
    policy = None if policy_id is None else session.get(SlaPolicy, policy_id)
    return TicketSlaOut(
        ticket_id=ticket.id,
        policy_id=policy_id,
        policy_name=policy.name if policy else None,
        next_breach_at=ticket.sla_next_breach_at,
        metrics=metrics,
    )


def plan_existing(session: Session, *, ticket_id: int) -> None:
    """Plan SLA targets of a ticket made before the policies (demo data, imports)."""
    track(session, TicketChange(kind="created", ticket_id=ticket_id, actor=Actor.system()))
