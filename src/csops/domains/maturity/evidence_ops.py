"""Evidence collectors over the operations areas: SLAs, CSAT, on-call, incidents, signals,
journeys, notifications and reports. Each reads its area's tables by name; an area that
holds no rows reads as missing (csops cannot see the practice), one with rows but short of
the practice reads as partial or not met, with the figure."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from csops.domains.maturity.evidence import (
    MISSING,
    WINDOW,
    Evidence,
    Status,
    collector,
    count,
    pct,
    ratio_status,
    table,
)

HALF_YEAR = timedelta(days=183)


def _tables(*names: str) -> list[Table] | None:
    found = [table(name) for name in names]
    if any(t is None for t in found):
        return None
    return [t for t in found if t is not None]


# SLAs -----------------------------------------------------------------------------------


@collector("sla_policies")
def sla_policies(session: Session, at: datetime) -> Evidence:
    tables = _tables("sla_policies", "ticket_slas")
    if tables is None:
        return MISSING
    policies, slas = tables
    enabled = count(session, policies, policies.c.enabled.is_(True))
    if enabled == 0:
        return Evidence("not_met", "no SLA policy defined")
    covered = session.scalar(
        select(func.count(func.distinct(slas.c.ticket_id))).where(slas.c.started_at >= at - WINDOW)
    )
    tickets = table("tickets")
    recent = 0 if tickets is None else count(session, tickets, tickets.c.created_at >= at - WINDOW)
    share = (covered or 0) / recent if recent else 0.0
    return Evidence(
        ratio_status(share, 0.9, 0.5),
        f"{enabled} SLA policies; {pct(share)} of recent tickets under an SLA",
    )


def _attainment(session: Session, at: datetime) -> tuple[int, int] | None:
    slas = table("ticket_slas")
    if slas is None:
        return None
    since = slas.c.started_at >= at - WINDOW
    achieved = count(session, slas, since, slas.c.status == "achieved")
    breached = count(session, slas, since, slas.c.status == "breached")
    return achieved, breached


@collector("sla_attainment")
def sla_attainment(session: Session, at: datetime) -> Evidence:
    found = _attainment(session, at)
    if found is None or sum(found) == 0:
        return MISSING
    achieved, breached = found
    share = achieved / (achieved + breached)
    return Evidence(
        ratio_status(share, 0.9, 0.7),
        f"{pct(share)} of {achieved + breached} SLA targets met in 90 days",
    )


@collector("sla_warnings")
def sla_warnings(session: Session, at: datetime) -> Evidence:
    tables = _tables("sla_policies", "sla_events")
    if tables is None:
        return MISSING
    policies, events = tables
    warning = count(session, policies, policies.c.enabled.is_(True))
    if warning == 0:
        return Evidence("not_met", "no SLA policy, so no warning before a breach")
    sent = count(session, events, events.c.kind == "warning", events.c.at >= at - WINDOW)
    figure = f"{warning} policies warn before a breach; {sent} warnings sent in 90 days"
    return Evidence("met" if sent else "partial", figure)


# CSAT and follow-up ---------------------------------------------------------------------


@collector("csat_collected")
def csat_collected(session: Session, at: datetime) -> Evidence:
    surveys = table("csat_surveys")
    if surveys is None:
        return MISSING
    since = surveys.c.sent_at >= at - WINDOW
    sent = count(session, surveys, since)
    if sent == 0:
        return Evidence("not_met", "no satisfaction survey sent in 90 days")
    answered = count(session, surveys, since, surveys.c.answered_at.is_not(None))
    share = answered / sent
    return Evidence(
        ratio_status(share, 0.2, 0.05),
        f"{sent} surveys sent, {answered} answered ({pct(share)} response rate)",
    )


@collector("csat_followups")
def csat_followups(session: Session, at: datetime) -> Evidence:
    tables = _tables("csat_surveys", "followups")
    if tables is None:
        return MISSING
    surveys, followups = tables
    bad = count(
        session,
        surveys,
        surveys.c.answered_at >= at - WINDOW,
        surveys.c.rating.is_not(None),
        surveys.c.rating <= 2,
    )
    if bad == 0:
        return csat_collected(session, at) if count(session, surveys) else MISSING
    made = count(session, followups, followups.c.created_at >= at - WINDOW)
    done = count(
        session, followups, followups.c.created_at >= at - WINDOW, followups.c.done_at.is_not(None)
    )
    share = done / made if made else 0.0
    return Evidence(
        ratio_status(share, 0.8, 0.3),
        f"{bad} bad ratings, {made} follow-ups, {done} done ({pct(share)})",
    )


@collector("csat_per_agent")
def csat_per_agent(session: Session, at: datetime) -> Evidence:
    surveys = table("csat_surveys")
    if surveys is None:
        return MISSING
    agents = session.scalar(
        select(func.count(func.distinct(surveys.c.assignee_id))).where(
            surveys.c.answered_at >= at - WINDOW, surveys.c.assignee_id.is_not(None)
        )
    )
    if not agents:
        return MISSING
    return Evidence("met", f"CSAT measured for {agents} agents in 90 days (KPI dashboard)")


@collector("nps_surveys")
def nps_surveys(session: Session, at: datetime) -> Evidence:
    tables = _tables("nps_programs", "nps_surveys")
    if tables is None:
        return MISSING
    programs, surveys = tables
    active = count(session, programs, programs.c.enabled.is_(True))
    sent = count(session, surveys, surveys.c.sent_at >= at - HALF_YEAR)
    if not active and not sent:
        return Evidence("not_met", "no NPS programme")
    return Evidence(
        "met" if sent else "partial",
        f"{active} NPS programmes; {sent} surveys sent in 6 months",
    )


# On-call and escalation -------------------------------------------------------------------


@collector("oncall_primary_backup")
def oncall_primary_backup(session: Session, at: datetime) -> Evidence:
    tables = _tables("services", "oncall_schedules", "oncall_layers")
    if tables is None:
        return MISSING
    services, schedules, layers = tables
    staffed = (
        select(schedules.c.team_id, schedules.c.role)
        .join(layers, layers.c.schedule_id == schedules.c.id)
        .distinct()
    )
    roles: dict[int, set[str]] = {}
    for team_id, role in session.execute(staffed):
        if team_id is not None:
            roles.setdefault(team_id, set()).add(str(role))
    owners = session.scalars(select(services.c.owning_team_id)).all()
    if not owners:
        return Evidence("not_met", "no services defined")
    covered = sum(
        1 for t in owners if t is not None and {"primary", "backup"} <= roles.get(t, set())
    )
    share = covered / len(owners)
    return Evidence(
        ratio_status(share, 1.0, 0.5),
        f"{covered} of {len(owners)} services have a primary and a backup on call",
    )


@collector("escalation_policies")
def escalation_policies(session: Session, at: datetime) -> Evidence:
    tables = _tables("services", "oncall_policies")
    if tables is None:
        return MISSING
    services, policies = tables
    rows = session.execute(select(services.c.id, services.c.owning_team_id)).all()
    if not rows:
        return Evidence("not_met", "no services defined")
    by_service = set(session.scalars(select(policies.c.service_id)).all())
    by_team = set(session.scalars(select(policies.c.team_id)).all())
    covered = sum(1 for sid, team in rows if sid in by_service or (team and team in by_team))
    share = covered / len(rows)
    return Evidence(
        ratio_status(share, 1.0, 0.5),
        f"{covered} of {len(rows)} services have an escalation policy",
    )


@collector("escalation_multilevel")
def escalation_multilevel(session: Session, at: datetime) -> Evidence:
    tables = _tables("oncall_policies", "oncall_policy_levels")
    if tables is None:
        return MISSING
    policies, levels = tables
    total = count(session, policies)
    if total == 0:
        return Evidence("not_met", "no escalation policy")
    per_policy = (
        select(levels.c.policy_id, func.count().label("n")).group_by(levels.c.policy_id).subquery()
    )
    multi = session.scalar(select(func.count()).select_from(per_policy).where(per_policy.c.n >= 2))
    share = (multi or 0) / total
    return Evidence(
        ratio_status(share, 0.8, 0.3),
        f"{multi or 0} of {total} escalation policies have two or more levels",
    )


@collector("unannounced_drills")
def unannounced_drills(session: Session, at: datetime) -> Evidence:
    drills = table("oncall_drills")
    if drills is None:
        return MISSING
    rows = session.execute(
        select(drills.c.seconds_to_ack, drills.c.team_id).where(
            drills.c.status == "completed", drills.c.started_at >= at - HALF_YEAR
        )
    ).all()
    if not rows:
        return Evidence("not_met", "no drill run in the last 6 months")
    acks = [r[0] for r in rows if r[0] is not None]
    median = f"; median time to acknowledge {statistics.median(acks) / 60:.1f} min" if acks else ""
    teams = len({r[1] for r in rows})
    return Evidence(
        "met" if acks else "partial",
        f"{len(rows)} unannounced drills for {teams} teams in 6 months{median}",
    )


# Incidents ------------------------------------------------------------------------------


@collector("emergency_team_roles")
def emergency_team_roles(session: Session, at: datetime) -> Evidence:
    tables = _tables("incidents", "incident_roles")
    if tables is None:
        return MISSING
    incidents, roles = tables
    recent = count(session, incidents, incidents.c.created_at >= at - HALF_YEAR)
    if recent == 0:
        return MISSING
    kinds = set(
        session.scalars(
            select(roles.c.role)
            .join(incidents, incidents.c.id == roles.c.incident_id)
            .where(incidents.c.created_at >= at - HALF_YEAR)
            .distinct()
        ).all()
    )
    wanted = {"commander", "operations", "development", "test", "liaison"}
    found = {str(k) for k in kinds} & wanted
    status: Status = "met" if found == wanted else "partial" if len(found) >= 2 else "not_met"
    return Evidence(status, f"roles filled on incidents: {', '.join(sorted(found)) or 'none'}")


@collector("liaison_role")
def liaison_role(session: Session, at: datetime) -> Evidence:
    tables = _tables("incidents", "incident_roles")
    if tables is None:
        return MISSING
    incidents, roles = tables
    recent = count(session, incidents, incidents.c.created_at >= at - HALF_YEAR)
    if recent == 0:
        return MISSING
    with_liaison = session.scalar(
        select(func.count(func.distinct(roles.c.incident_id)))
        .join(incidents, incidents.c.id == roles.c.incident_id)
        .where(roles.c.role == "liaison", incidents.c.created_at >= at - HALF_YEAR)
    )
    share = (with_liaison or 0) / recent
    return Evidence(
        ratio_status(share, 0.8, 0.3),
        f"{with_liaison or 0} of {recent} incidents had a customer-service liaison",
    )


@collector("postmortems_written")
def postmortems_written(session: Session, at: datetime) -> Evidence:
    tables = _tables("incidents", "incident_postmortems")
    if tables is None:
        return MISSING
    incidents, postmortems = tables
    resolved = count(
        session,
        incidents,
        incidents.c.resolved_at >= at - HALF_YEAR,
        incidents.c.is_drill.is_(False),
    )
    if resolved == 0:
        return MISSING
    written = session.scalar(
        select(func.count())
        .select_from(postmortems)
        .join(incidents, incidents.c.id == postmortems.c.incident_id)
        .where(incidents.c.resolved_at >= at - HALF_YEAR, postmortems.c.summary != "")
    )
    share = (written or 0) / resolved
    return Evidence(
        ratio_status(share, 0.8, 0.3),
        f"postmortems for {written or 0} of {resolved} resolved incidents",
    )


@collector("action_items_done")
def action_items_done(session: Session, at: datetime) -> Evidence:
    postmortems = table("incident_postmortems")
    if postmortems is None:
        return MISSING
    items = [i for row in session.scalars(select(postmortems.c.action_items)) for i in row or []]
    if not items:
        return MISSING
    done = sum(1 for i in items if isinstance(i, dict) and i.get("done"))
    share = done / len(items)
    return Evidence(
        ratio_status(share, 0.8, 0.4), f"{done} of {len(items)} postmortem action items done"
    )


def _escalated_tickets(session: Session, at: datetime) -> tuple[int, int] | None:
    tables = _tables("incident_tickets", "tickets")
    if tables is None:
        return None
    links, tickets = tables
    recent = count(session, tickets, tickets.c.created_at >= at - WINDOW)
    linked = session.scalar(
        select(func.count(func.distinct(links.c.ticket_id))).where(
            links.c.created_at >= at - WINDOW
        )
    )
    return int(linked or 0), recent


@collector("escalations_to_engineering")
def escalations_to_engineering(session: Session, at: datetime) -> Evidence:
    found = _escalated_tickets(session, at)
    if found is None or found[1] == 0:
        return MISSING
    linked, recent = found
    if linked == 0:
        return Evidence("not_met", "no ticket escalated to engineering in 90 days")
    return Evidence("met", f"{linked} tickets escalated to engineering in 90 days")


@collector("low_escalation")
def low_escalation(session: Session, at: datetime) -> Evidence:
    found = _escalated_tickets(session, at)
    if found is None or found[1] == 0:
        return MISSING
    linked, recent = found
    share = linked / recent
    status: Status = "met" if share <= 0.1 else "partial" if share <= 0.25 else "not_met"
    return Evidence(status, f"{pct(share)} of recent tickets needed engineering")


@collector("incident_impact")
def incident_impact(session: Session, at: datetime) -> Evidence:
    tables = _tables("incidents", "incident_tickets")
    if tables is None:
        return MISSING
    incidents, links = tables
    recent = count(session, incidents, incidents.c.created_at >= at - HALF_YEAR)
    if recent == 0:
        return MISSING
    measured = session.scalar(
        select(func.count(func.distinct(links.c.incident_id)))
        .join(incidents, incidents.c.id == links.c.incident_id)
        .where(incidents.c.created_at >= at - HALF_YEAR)
    )
    share = (measured or 0) / recent
    return Evidence(
        ratio_status(share, 0.7, 0.3),
        f"customer impact (linked tickets) known for {measured or 0} of {recent} incidents",
    )


@collector("severity_used")
def severity_used(session: Session, at: datetime) -> Evidence:
    incidents = table("incidents")
    if incidents is None:
        return MISSING
    levels = session.scalars(
        select(incidents.c.severity).where(incidents.c.created_at >= at - HALF_YEAR).distinct()
    ).all()
    if not levels:
        return MISSING
    names = sorted(str(s) for s in levels)
    return Evidence("met" if len(names) >= 2 else "partial", f"severities used: {', '.join(names)}")


@collector("two_way_loop")
def two_way_loop(session: Session, at: datetime) -> Evidence:
    tables = _tables("incident_updates", "incident_deliveries")
    if tables is None:
        return MISSING
    updates, deliveries = tables
    public = count(
        session, updates, updates.c.is_public.is_(True), updates.c.created_at >= at - HALF_YEAR
    )
    if public == 0:
        return MISSING
    reached = session.scalar(
        select(func.count(func.distinct(deliveries.c.ticket_id))).where(
            deliveries.c.created_at >= at - HALF_YEAR
        )
    )
    return Evidence(
        "met" if reached else "partial",
        f"{public} public incident updates reached {reached or 0} customers' tickets",
    )


@collector("proactive_outreach")
def proactive_outreach(session: Session, at: datetime) -> Evidence:
    links = table("incident_tickets")
    if links is None:
        return MISSING
    auto = count(session, links, links.c.source == "auto", links.c.created_at >= at - HALF_YEAR)
    total = count(session, links, links.c.created_at >= at - HALF_YEAR)
    if total == 0:
        return MISSING
    return Evidence(
        "met" if auto else "not_met",
        f"{auto} customers who wrote in during an incident were told of it at once",
    )


@collector("automatic_incidents")
def automatic_incidents(session: Session, at: datetime) -> Evidence:
    incidents = table("incidents")
    if incidents is None:
        return MISSING
    total = count(session, incidents, incidents.c.created_at >= at - HALF_YEAR)
    if total == 0:
        return MISSING
    automatic = count(
        session,
        incidents,
        incidents.c.created_at >= at - HALF_YEAR,
        incidents.c.source.in_(("signal", "journey")),
    )
    return Evidence(
        "met" if automatic else "not_met",
        f"{automatic} of {total} incidents opened automatically (signals, journeys)",
    )


@collector("status_page")
def status_page(session: Session, at: datetime) -> Evidence:
    components = table("status_components")
    if components is None:
        return MISSING
    n = count(session, components)
    return Evidence("met" if n else "not_met", f"{n} components on the public status page")


# Signals, changes, journeys ---------------------------------------------------------------


@collector("signals_confirmed")
def signals_confirmed(session: Session, at: datetime) -> Evidence:
    suspected = table("signal_suspects")
    if suspected is None or "status" not in suspected.c:
        return MISSING
    total = count(session, suspected)
    if total == 0:
        return MISSING
    confirmed = count(session, suspected, suspected.c.status == "confirmed")
    return Evidence(
        "met" if confirmed else "partial",
        f"{total} suspected outages detected from tickets, {confirmed} confirmed",
    )


def _changes() -> Table | None:
    return table("signal_changes")


@collector("change_correlation")
def change_correlation(session: Session, at: datetime) -> Evidence:
    changes = _changes()
    if changes is None:
        return MISSING
    recorded = count(session, changes)
    if recorded == 0:
        return Evidence("not_met", "no deploys or config changes recorded")
    return Evidence("met", f"{recorded} changes recorded and ranked against complaint spikes")


@collector("canary_changes")
def canary_changes(session: Session, at: datetime) -> Evidence:
    changes = _changes()
    if changes is None or "kind" not in changes.c:
        return MISSING
    total = count(session, changes)
    if total == 0:
        return MISSING
    canary = count(session, changes, changes.c.kind.in_(("canary", "flag")))
    return Evidence(
        "met" if canary else "not_met", f"{canary} of {total} changes were canary or flag steps"
    )


@collector("deploys_recorded")
def deploys_recorded(session: Session, at: datetime) -> Evidence:
    changes = _changes()
    if changes is None or "kind" not in changes.c:
        return MISSING
    deploys = count(session, changes, changes.c.kind == "deploy")
    return Evidence(
        "met" if deploys >= 5 else "partial" if deploys else "not_met",
        f"{deploys} deploys recorded from CI",
    )


@collector("cx_journeys")
def cx_journeys(session: Session, at: datetime) -> Evidence:
    tables = _tables("journeys", "journey_runs")
    if tables is None:
        return MISSING
    journeys, runs = tables
    active = count(session, journeys, journeys.c.enabled.is_(True))
    ran = count(session, runs, runs.c.started_at >= at - timedelta(days=7))
    if active == 0:
        return Evidence("not_met", "no customer-journey check defined")
    return Evidence(
        "met" if ran else "partial", f"{active} journeys; {ran} runs in the last 7 days"
    )


@collector("cx_journeys_prod")
def cx_journeys_prod(session: Session, at: datetime) -> Evidence:
    tables = _tables("journey_environments", "journey_runs")
    if tables is None:
        return MISSING
    envs, runs = tables
    prod = session.scalars(select(envs.c.id).where(envs.c.production.is_(True))).all()
    if not prod:
        return Evidence("not_met", "no production environment checked")
    ran = count(
        session,
        runs,
        runs.c.environment_id.in_(prod),
        runs.c.started_at >= at - timedelta(days=1),
    )
    return Evidence(
        "met" if ran else "partial", f"{ran} journey runs in production in the last day"
    )


@collector("detected_before_customers")
def detected_before_customers(session: Session, at: datetime) -> Evidence:
    tables = _tables("incidents", "incident_tickets", "tickets")
    if tables is None:
        return MISSING
    incidents, links, tickets = tables
    first_ticket = (
        select(links.c.incident_id, func.min(tickets.c.created_at).label("first"))
        .join(tickets, tickets.c.id == links.c.ticket_id)
        .group_by(links.c.incident_id)
        .subquery()
    )
    rows = session.execute(
        select(incidents.c.detected_at, first_ticket.c.first)
        .outerjoin(first_ticket, first_ticket.c.incident_id == incidents.c.id)
        .where(incidents.c.created_at >= at - HALF_YEAR, incidents.c.is_drill.is_(False))
    ).all()
    if not rows:
        return MISSING
    early = sum(1 for detected, first in rows if first is None or detected <= first)
    share = early / len(rows)
    return Evidence(
        ratio_status(share, 0.5, 0.2),
        f"{early} of {len(rows)} incidents detected before the first customer ticket",
    )


# Notifications, automations, reports, KPIs, forecasts --------------------------------------


@collector("notifications_sent")
def notifications_sent(session: Session, at: datetime) -> Evidence:
    outbox = table("outbox_items")
    if outbox is None:
        return MISSING
    sent = count(session, outbox, outbox.c.status == "sent", outbox.c.created_at >= at - WINDOW)
    if sent == 0:
        return Evidence("not_met", "no notification delivered in 90 days")
    channels = session.scalars(
        select(outbox.c.channel).where(outbox.c.status == "sent").distinct()
    ).all()
    return Evidence(
        "met",
        f"{sent} notifications delivered in 90 days via {', '.join(sorted(map(str, channels)))}",
    )


@collector("automations_in_use")
def automations_in_use(session: Session, at: datetime) -> Evidence:
    rules, macros = table("routing_rules"), table("macros")
    if rules is None and macros is None:
        return MISSING
    active_rules = 0 if rules is None else count(session, rules, rules.c.is_active.is_(True))
    active_macros = 0 if macros is None else count(session, macros, macros.c.is_active.is_(True))
    figure = f"{active_rules} routing rules, {active_macros} macros"
    if active_rules and active_macros:
        return Evidence("met", figure)
    return Evidence("partial" if active_rules or active_macros else "not_met", figure)


def _reports_made(
    session: Session, at: datetime, kinds: tuple[str, ...], days: int, wanted: int, what: str
) -> Evidence:
    """Met when at least `wanted` reports of `kinds` were archived in the last `days`."""
    reports = table("report_archive")
    if reports is None:
        return MISSING
    since = reports.c.created_at >= at - timedelta(days=days)
    made = count(session, reports, reports.c.kind.in_(kinds), since)
    status: Status = "met" if made >= wanted else "partial" if made else "not_met"
    return Evidence(status, f"{made} {what}")


@collector("perception_reports")
def perception_reports(session: Session, at: datetime) -> Evidence:
    what = "weekly or monthly perception reports in 2 months"
    return _reports_made(session, at, ("weekly", "monthly"), 62, 4, what)


@collector("perception_reports_monthly")
def perception_reports_monthly(session: Session, at: datetime) -> Evidence:
    return _reports_made(session, at, ("monthly",), 93, 3, "monthly perception reports in 3 months")


@collector("daily_complaint_report")
def daily_complaint_report(session: Session, at: datetime) -> Evidence:
    return _reports_made(session, at, ("daily",), 7, 5, "daily complaint reports in the last week")


@collector("kpis_per_team")
def kpis_per_team(session: Session, at: datetime) -> Evidence:
    facts = table("ticket_facts")
    if facts is None:
        return MISSING
    teams = session.scalar(
        select(func.count(func.distinct(facts.c.team_id))).where(
            facts.c.created_at >= at - WINDOW, facts.c.team_id.is_not(None)
        )
    )
    agents = session.scalar(
        select(func.count(func.distinct(facts.c.assignee_id))).where(
            facts.c.created_at >= at - WINDOW, facts.c.assignee_id.is_not(None)
        )
    )
    if not teams:
        return MISSING
    return Evidence("met", f"KPIs measured for {teams} teams and {agents or 0} agents")


@collector("public_kpis")
def public_kpis(session: Session, at: datetime) -> Evidence:
    shares = table("kpi_shares")
    if shares is None:
        return MISSING
    live = count(session, shares, shares.c.revoked_at.is_(None))
    return Evidence("met" if live else "not_met", f"{live} KPI pages shared with all teams")


@collector("forecasts")
def forecasts(session: Session, at: datetime) -> Evidence:
    facts = table("ticket_facts")
    if facts is None:
        return MISSING
    days = session.scalar(
        select(func.count(func.distinct(func.date(facts.c.created_at)))).where(
            facts.c.created_at >= at - timedelta(days=56)
        )
    )
    if not days:
        return MISSING
    status: Status = "met" if days >= 28 else "partial"
    return Evidence(status, f"{days} days of history feed the volume forecast (needs 28)")
