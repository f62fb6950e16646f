"""SLA timers: one job per warning threshold and one at the deadline.

A job acts only if its token is the row's current one (else the SLA was re-planned, or the
target achieved) and the threshold has not fired in this cycle yet; the `warned` mark and
the event commit with the job's completion, so a warning fires once even when a worker
dies and another runs the job again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.sla import escalation, planner
from csops.domains.sla.models import SlaEventKind, SlaPolicy, SlaStatus, TicketSla
from csops.domains.tickets.models import Ticket
from csops.jobs.registry import job


@job(planner.CHECK_JOB)
def check(session: Session, payload: dict[str, Any]) -> None:
    row = session.get(TicketSla, int(payload["row_id"]), with_for_update=True)
    if row is None or row.token != int(payload["token"]) or row.achieved_at is not None:
        return
    percent = int(payload["percent"])
    mark = f"{row.cycle}:{percent}"
    if mark in row.warned or planner.is_paused(row):
        return
    ticket = session.get(Ticket, row.ticket_id)
    if ticket is None:
        return
    policy = None if row.policy_id is None else session.get(SlaPolicy, row.policy_id)
    row.warned = [*row.warned, mark]
    if percent < planner.BREACH:
        told = escalation.warn(session, ticket, row, percent)
        planner.record(session, row, SlaEventKind.warning, percent=percent, notified=told)
        return
    row.breached_at = row.target_at or now()
    row.status = SlaStatus.breached
    planner.record(session, row, SlaEventKind.breached, percent=percent)
    done = escalation.escalate(session, ticket, row, policy)
    planner.record(session, row, SlaEventKind.escalated, **done)
