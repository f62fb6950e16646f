"""What a KPI query covers: a period and optional team, agent, service, organization, channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement

from csops.domains.reports.models import TicketFact
from csops.domains.tickets.models import Status, Ticket

OPEN_STATES = (Status.new, Status.open, Status.pending, Status.on_hold)


@dataclass(frozen=True)
class KpiFilter:
    start: datetime
    end: datetime
    team_id: int | None = None
    agent_id: int | None = None
    service_id: int | None = None
    organization_id: int | None = None
    channel: str | None = None

    def ticket_conditions(self, *, created_in_period: bool = True) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if created_in_period:
            found += [Ticket.created_at >= self.start, Ticket.created_at < self.end]
        for column, value in (
            (Ticket.team_id, self.team_id),
            (Ticket.assignee_id, self.agent_id),
            (Ticket.service_id, self.service_id),
            (Ticket.organization_id, self.organization_id),
            (Ticket.channel, self.channel),
        ):
            if value is not None:
                found.append(column == value)
        return found

    def fact_conditions(self, *, on: str = "created_at") -> list[ColumnElement[bool]]:
        """Conditions on `ticket_facts`: the period applies to `on` (created_at or
        first_solved_at)."""
        stamp = getattr(TicketFact, on)
        found: list[ColumnElement[bool]] = [stamp >= self.start, stamp < self.end]
        for column, value in (
            (TicketFact.team_id, self.team_id),
            (TicketFact.assignee_id, self.agent_id),
            (TicketFact.service_id, self.service_id),
            (TicketFact.organization_id, self.organization_id),
            (TicketFact.channel, self.channel),
        ):
            if value is not None:
                found.append(column == value)
        return found
