"""Ticket hooks: keep each ticket's SLA targets in step with what happens to it.

First response is achieved by the first public agent reply, next response by an agent's
public reply after a customer's, resolution by solving; pending and on-hold pause the
clocks (when the policy says so), reopening resumes resolution. A change of priority, type,
service, channel, tags or fields can match another policy: targets are then re-planned.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.sla import planner
from csops.domains.sla.models import Metric, SlaPolicy, TicketSla
from csops.domains.sla.policies import match_policy
from csops.domains.tickets import hooks
from csops.domains.tickets.hooks import TicketChange
from csops.domains.tickets.models import Status, Ticket

PAUSING = (Status.pending, Status.on_hold)
DONE = (Status.solved, Status.closed)
MATCH_FIELDS = {"priority", "type", "service_id", "tags", "custom_fields", "team_id"}


def _pauses_for(policy: SlaPolicy | None, status: Status) -> bool:
    if policy is None:
        return False
    if status == Status.pending:
        return policy.pause_on_pending
    return status == Status.on_hold and policy.pause_on_hold


@hooks.subscribe("created", "updated", "message", order=hooks.ORDER_SLA)
def track(session: Session, change: TicketChange) -> None:
    ticket = session.get(Ticket, change.ticket_id)
    if ticket is None:
        return
    rows = {
        row.metric: row
        for row in session.scalars(select(TicketSla).where(TicketSla.ticket_id == ticket.id))
    }
    had_rows = bool(rows)
    policy = match_policy(session, ticket)
    at = now()
    if change.kind == "created" or (rows == {} and MATCH_FIELDS & set(change.changes)):
        _start_all(session, ticket, policy, rows)
    elif MATCH_FIELDS & set(change.changes):
        _retarget(session, ticket, policy, rows)
    if change.kind == "message" and change.public:
        _on_message(session, ticket, policy, rows, change, at)
    status_change = change.changes.get("status")
    if status_change is not None:
        _on_status(session, policy, rows, status_change, at)
    if ticket.status in PAUSING and _pauses_for(policy, ticket.status):
        for row in rows.values():
            planner.pause(session, row, at)
    if not rows and not had_rows:
        return  # no SLA before or now: the ticket's column is already empty
    for row in rows.values():
        planner.replan(session, row, policy)
    planner.store_next_breach(session, ticket, list(rows.values()))


def _start_all(
    session: Session, ticket: Ticket, policy: SlaPolicy | None, rows: dict[Metric, TicketSla]
) -> None:
    if policy is None or ticket.status in DONE:
        return
    metrics = [Metric.resolution]
    if ticket.first_public_reply_at is None:
        metrics.append(Metric.first_response)
    for metric in metrics:
        row = planner.start(session, ticket, policy, metric, ticket.created_at)
        if row is not None:
            rows[metric] = row


def _retarget(
    session: Session, ticket: Ticket, policy: SlaPolicy | None, rows: dict[Metric, TicketSla]
) -> None:
    """Another policy applies now: running targets take its minutes (clock start kept)."""
    for metric, row in list(rows.items()):
        if row.achieved_at is not None or row.policy_id == (policy.id if policy else None):
            continue
        minutes = None if policy is None else planner.target_minutes(policy, metric)
        if policy is None or minutes is None:
            session.delete(row)
            del rows[metric]
            continue
        row.policy_id = policy.id
        row.target_minutes = minutes


def _on_message(
    session: Session,
    ticket: Ticket,
    policy: SlaPolicy | None,
    rows: dict[Metric, TicketSla],
    change: TicketChange,
    at: Any,
) -> None:
    if change.actor.kind == "user":
        for metric in (Metric.first_response, Metric.next_response):
            row = rows.get(metric)
            if row is not None:
                planner.achieve(session, row, policy, at)
        return
    if not change.by_customer or policy is None or ticket.status in DONE:
        return
    first = rows.get(Metric.first_response)
    answered = ticket.first_public_reply_at is not None or (
        first is not None and first.achieved_at is not None
    )
    waiting = rows.get(Metric.next_response)
    if answered and (waiting is None or waiting.achieved_at is not None):
        row = planner.start(session, ticket, policy, Metric.next_response, at)
        if row is not None:
            rows[Metric.next_response] = row


def _on_status(
    session: Session,
    policy: SlaPolicy | None,
    rows: dict[Metric, TicketSla],
    status_change: tuple[Any, Any],
    at: Any,
) -> None:
    old, new = (Status(v) if v is not None else None for v in status_change)
    if new in DONE:
        for row in rows.values():
            planner.achieve(session, row, policy, at)
        return
    resolution = rows.get(Metric.resolution)
    if old == Status.solved and resolution is not None:
        planner.reopen(session, resolution, at)
    if old in PAUSING and not (new in PAUSING and _pauses_for(policy, new)):
        for row in rows.values():
            planner.resume(session, row, at)
