"""SLA policies and calendars: storage, ordering, and matching a ticket to its policy."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.sla.models import SlaCalendar, SlaPolicy
from csops.domains.sla.schemas import CalendarIn, Conditions, PolicyIn, PolicyPatch
from csops.domains.sla.timers import Calendar
from csops.domains.tickets.models import Ticket
from csops.errors import Conflict, Invalid, NotFound, PermissionDenied


def require_admin(actor: Actor) -> None:
    if actor.kind == "system":
        return
    if not actor.is_staff or actor.role not in ("admin", "manager"):
        raise PermissionDenied("only managers and admins change SLA policies")
    if not actor.has_scope("tickets:write"):
        raise PermissionDenied("this token lacks the tickets:write scope")


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise NotFound("not found")


def to_calendar(row: SlaCalendar | None) -> Calendar:
    if row is None:
        return Calendar.twenty_four_seven()
    return Calendar.from_spec(
        tz=row.timezone,
        hours=row.hours,
        country=row.holiday_country,
        subdiv=row.holiday_subdiv,
        closed_dates=[date.fromisoformat(d) for d in row.custom_holidays],
        always_open=row.always_open,
    )


def calendar_for(session: Session, policy: SlaPolicy) -> Calendar:
    if not policy.business_hours or policy.calendar_id is None:
        return Calendar.twenty_four_seven()
    return to_calendar(session.get(SlaCalendar, policy.calendar_id))


# Matching ---------------------------------------------------------------------------------


def is_internal(ticket: Ticket) -> bool:
    """Requests of internal teams: tagged or typed internal, or from an internal domain."""
    fields = ticket.custom_fields or {}
    if "internal" in (ticket.tags or []) or fields.get("internal") in (True, "true", "yes", 1):
        return True
    if str(fields.get("request_type", "")).lower().startswith("internal"):
        return True
    domains = {d.strip().lower() for d in get_settings().sla_internal_domains.split(",") if d}
    org = ticket.organization
    return bool(domains and org is not None and (org.domain or "").lower() in domains)


def matches(conditions: Conditions, ticket: Ticket) -> bool:
    tier = ticket.organization.tier if ticket.organization is not None else None
    request_type = str((ticket.custom_fields or {}).get("request_type", ""))
    checks: list[tuple[Sequence[Any], Any]] = [
        (conditions.priorities, ticket.priority),
        (conditions.types, ticket.type),
        (conditions.channels, ticket.channel),
        (conditions.tiers, tier),
        (conditions.service_ids, ticket.service_id),
        (conditions.organization_ids, ticket.organization_id),
    ]
    if any(wanted and value not in wanted for wanted, value in checks):
        return False
    if conditions.request_types and not (
        request_type in conditions.request_types
        or set(conditions.request_types) & set(ticket.tags or [])
    ):
        return False
    return conditions.internal is None or conditions.internal == is_internal(ticket)


def ordered_policies(session: Session, *, enabled_only: bool = False) -> list[SlaPolicy]:
    query = select(SlaPolicy).order_by(SlaPolicy.position, SlaPolicy.id)
    if enabled_only:
        query = query.where(SlaPolicy.enabled.is_(True))
    return list(session.scalars(query).all())


def match_policy(
    session: Session, ticket: Ticket, policies: Sequence[SlaPolicy] | None = None
) -> SlaPolicy | None:
    """The first enabled policy that fits (`policies`: the ordered list, when already read)."""
    for policy in (
        policies if policies is not None else ordered_policies(session, enabled_only=True)
    ):
        try:
            conditions = Conditions.model_validate(policy.conditions)
        except ValueError:
            continue
        if matches(conditions, ticket):
            return policy
    return None


# Policies -------------------------------------------------------------------------------


def get_policy(session: Session, policy_id: int) -> SlaPolicy:
    policy = session.get(SlaPolicy, policy_id) if 0 < policy_id < 2**31 else None
    if policy is None:
        raise NotFound(f"SLA policy {policy_id} not found")
    return policy


def _check_policy(session: Session, values: dict[str, Any], policy_id: int | None) -> None:
    name = values.get("name")
    if name is not None:
        clash = session.scalar(select(SlaPolicy.id).where(SlaPolicy.name == name))
        if clash is not None and clash != policy_id:
            raise Conflict(f"an SLA policy named {name!r} exists already")
    calendar_id = values.get("calendar_id")
    if calendar_id is not None and (
        not 0 < calendar_id < 2**31 or session.get(SlaCalendar, calendar_id) is None
    ):
        raise Invalid(f"unknown calendar {calendar_id}")


def create_policy(session: Session, *, data: PolicyIn, actor: Actor) -> SlaPolicy:
    require_admin(actor)
    values = data.model_dump(mode="json")
    _check_policy(session, values, None)
    if values["position"] is None:
        last = session.scalar(select(func.max(SlaPolicy.position)))
        values["position"] = (last or 0) + 10
    policy = SlaPolicy(**values, created_at=now(), updated_at=now())
    session.add(policy)
    session.flush()
    return policy


def update_policy(
    session: Session, *, policy_id: int, data: PolicyPatch, actor: Actor
) -> SlaPolicy:
    require_admin(actor)
    policy = get_policy(session, policy_id)
    values = data.model_dump(mode="json", exclude_unset=True)
    for required in ("name", "position", "enabled", "conditions", "business_hours"):
        if required in values and values[required] is None:
            raise Invalid(f"{required} cannot be empty")
    _check_policy(session, values, policy_id)
    for key, value in values.items():
        if key in ("warn_percents", "escalate") and value is None:
            continue
        setattr(policy, key, value)
    policy.updated_at = now()
    session.flush()
    return policy


def delete_policy(session: Session, *, policy_id: int, actor: Actor) -> None:
    require_admin(actor)
    session.delete(get_policy(session, policy_id))
    session.flush()


# Calendars ------------------------------------------------------------------------------


def get_calendar(session: Session, calendar_id: int) -> SlaCalendar:
    row = session.get(SlaCalendar, calendar_id) if 0 < calendar_id < 2**31 else None
    if row is None:
        raise NotFound(f"calendar {calendar_id} not found")
    return row


def list_calendars(session: Session) -> list[SlaCalendar]:
    return list(session.scalars(select(SlaCalendar).order_by(SlaCalendar.name)).all())


def save_calendar(
    session: Session, *, data: CalendarIn, actor: Actor, calendar_id: int | None = None
) -> SlaCalendar:
    require_admin(actor)
    try:
        data.check()
    except (ValueError, NotImplementedError) as exc:
        raise Invalid(str(exc)) from exc
    clash = session.scalar(select(SlaCalendar.id).where(SlaCalendar.name == data.name))
    if clash is not None and clash != calendar_id:
        raise Conflict(f"a calendar named {data.name!r} exists already")
    row = SlaCalendar() if calendar_id is None else get_calendar(session, calendar_id)
    values = data.model_dump(mode="json")
    values["holiday_country"] = values["holiday_country"] or None
    values["holiday_subdiv"] = values["holiday_subdiv"] or None
    for key, value in values.items():
        setattr(row, key, value)
    if calendar_id is None:
        row.created_at = now()
        session.add(row)
    session.flush()
    return row
