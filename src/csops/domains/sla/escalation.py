"""Who hears about an SLA warning or breach: the assignee, the team's leads, on-call.

Notifications go through the notifications domain's outbox and pages through on-call's
`trigger_page`; both are looked up at run time so the SLA works (events only) in a build
where those domains are not installed.
"""

from __future__ import annotations

import importlib
import logging
from types import ModuleType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.config import get_settings
from csops.domains.accounts.models import Role, Team, User
from csops.domains.notifications.templates import register_default
from csops.domains.sla.models import SlaPolicy, TicketSla
from csops.domains.tickets.models import Ticket

log = logging.getLogger("csops.sla")

register_default(
    "sla_warning",
    subject="[SLA] #{{ ticket_id }} {{ metric }}: {{ percent }}% of the target used",
    text=(
        "Ticket #{{ ticket_id }} ({{ subject }}) has used {{ percent }}% of its {{ metric }} "
        "target. It is due at {{ due }}.\n{{ url }}"
    ),
)
register_default(
    "sla_warning",
    locale="zh_Hans",
    subject="[SLA] #{{ ticket_id }} {{ metric }}：已用 {{ percent }}% 的时限",
    text="工单 #{{ ticket_id }}（{{ subject }}）的 {{ metric }} 时限已用 {{ percent }}%，"
    "截止时间 {{ due }}。\n{{ url }}",
)
register_default(
    "sla_breach",
    subject="[SLA breached] #{{ ticket_id }} {{ metric }}",
    text="Ticket #{{ ticket_id }} ({{ subject }}) missed its {{ metric }} target ({{ due }}).\n{{ url }}",
)
register_default(
    "sla_breach",
    locale="zh_Hans",
    subject="[SLA 已超时] #{{ ticket_id }} {{ metric }}",
    text="工单 #{{ ticket_id }}（{{ subject }}）的 {{ metric }} 已超时（{{ due }}）。\n{{ url }}",
)


def optional(module: str) -> ModuleType | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        return None


def team_leads(session: Session, team_id: int | None) -> list[User]:
    """Active managers in the team; without any, every active manager."""
    query = select(User).where(User.is_active.is_(True), User.role == Role.manager)
    if team_id is not None:
        leads = session.scalars(query.where(User.teams.any(Team.id == team_id))).all()
        if leads:
            return list(leads)
    return list(session.scalars(query.order_by(User.id)).all())


def _notify(session: Session, user_id: int, template: str, key: str, ctx: dict[str, Any]) -> None:
    service = optional("csops.domains.notifications.service")
    if service is None:
        log.info("notifications not installed: %s for user %s not sent", template, user_id)
        return
    service.notify(
        session,
        event_key=key,
        kind="sla",
        template=template,
        context=ctx,
        user_id=user_id,
        ticket_id=ctx["ticket_id"],
    )


def _context(ticket: Ticket, row: TicketSla, percent: int) -> dict[str, Any]:
    return {
        "ticket_id": ticket.id,
        "subject": ticket.subject,
        "metric": row.metric.value.replace("_", " "),
        "percent": percent,
        "due": row.target_at.isoformat() if row.target_at else "",
        "url": f"{get_settings().base_url.rstrip('/')}/tickets/{ticket.id}",
    }


def warn(session: Session, ticket: Ticket, row: TicketSla, percent: int) -> list[int]:
    """Tell the assignee (or, unassigned, the team leads); return who was told."""
    ctx = _context(ticket, row, percent)
    targets = (
        [ticket.assignee_id]
        if ticket.assignee_id
        else [u.id for u in team_leads(session, ticket.team_id)]
    )
    key = f"sla-warn:{row.id}:{row.cycle}:{percent}"
    for user_id in targets:
        _notify(session, user_id, "sla_warning", key, ctx)
    return targets


def escalate(
    session: Session, ticket: Ticket, row: TicketSla, policy: SlaPolicy | None
) -> dict[str, Any]:
    """At breach: notify and/or page as the policy says; return what was done."""
    steps = list(policy.escalate) if policy is not None else ["assignee", "team_lead"]
    ctx = _context(ticket, row, 100)
    key = f"sla-breach:{row.id}:{row.cycle}"
    told: list[int] = []
    if "assignee" in steps and ticket.assignee_id:
        told.append(ticket.assignee_id)
    if "team_lead" in steps or not told:
        told += [u.id for u in team_leads(session, ticket.team_id) if u.id not in told]
    for user_id in told:
        _notify(session, user_id, "sla_breach", key, ctx)
    paged = False
    oncall = optional("csops.domains.oncall.service") if "page" in steps else None
    if oncall is not None:
        oncall.trigger_page(
            session,
            title=f"SLA breached: #{ticket.id} {ctx['metric']}",
            dedup_key=key,
            service_id=ticket.service_id,
            team_id=ticket.team_id,
            source="sla",
            details=ctx["url"],
        )
        paged = True
    return {"notified": told, "paged": paged}
