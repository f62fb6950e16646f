"""Failures become action: the failure streak of each journey in each environment; in a
production environment a streak of `journeys_fail_threshold` opens (or updates) an
incident on the journey's service and pages its owner; the first pass afterwards posts a
recovery update. `journey_green_since` lets the incidents domain hold back the automatic
solving of linked tickets until the service's journeys pass again.

The incidents and on-call services are looked up when needed: a deployment without those
domains still records streaks, it just has nobody to tell.
"""

from __future__ import annotations

import importlib
import logging
from datetime import datetime
from types import ModuleType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import as_utc, now
from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.journeys.models import (
    Environment,
    Journey,
    JourneyHealth,
    JourneyRun,
    RunStatus,
)
from csops.errors import CsopsError

log = logging.getLogger("csops.journeys")


def _optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _health(session: Session, journey_id: int, environment_id: int) -> JourneyHealth:
    row = session.scalar(
        select(JourneyHealth).where(
            JourneyHealth.journey_id == journey_id,
            JourneyHealth.environment_id == environment_id,
        )
    )
    if row is None:
        row = JourneyHealth(
            journey_id=journey_id, environment_id=environment_id, consecutive_failures=0
        )
        session.add(row)
    return row


def after_run(
    session: Session, *, journey: Journey, environment: Environment, run: JourneyRun
) -> JourneyHealth:
    health = _health(session, journey.id, environment.id)
    passed = run.status in (RunStatus.passed, RunStatus.skipped)
    health.last_status = run.status
    if passed:
        was_failing = health.consecutive_failures > 0
        health.consecutive_failures = 0
        health.failing_since = None
        if was_failing or health.green_since is None:
            health.green_since = run.started_at
        if environment.production and health.incident_id is not None:
            _recovered(session, journey, environment, health)
    else:
        health.consecutive_failures += 1
        health.green_since = None
        if health.failing_since is None:
            health.failing_since = run.started_at
        threshold = get_settings().journeys_fail_threshold
        if environment.production and health.consecutive_failures >= threshold:
            _escalate(session, journey, environment, health, run)
    session.flush()
    return health


def _title(journey: Journey, environment: Environment) -> str:
    return f"Journey '{journey.name}' failing in {environment.name}"


def _escalate(
    session: Session, journey: Journey, env: Environment, health: JourneyHealth, run: JourneyRun
) -> None:
    incidents = _optional("csops.domains.incidents.service")
    details = f"{health.consecutive_failures} failures in a row; last: {run.error[:300]}"
    actor = Actor.system()
    if incidents is not None and journey.service_id is not None:
        active = _active_incident(incidents, session, journey.service_id, health.incident_id)
        if active is not None:
            if health.consecutive_failures == get_settings().journeys_fail_threshold:
                incidents.post_update(
                    session,
                    incident_id=active,
                    body=_title(journey, env) + ". " + details,
                    public=False,
                    actor=actor,
                )
            health.incident_id = active
        else:
            health.incident_id = _open_incident(session, incidents, journey, env, details)
    if health.consecutive_failures == get_settings().journeys_fail_threshold and (
        journey.service_id is not None
    ):
        _page(session, journey, env, health, details)


def _active_incident(
    incidents: ModuleType, session: Session, service_id: int, known: int | None
) -> int | None:
    found: list[Any] = incidents.active_incidents_for_service(session, service_id=service_id)
    ids = [int(i.id) for i in found]
    if known is not None and known in ids:
        return known
    return ids[0] if ids else None


def _open_incident(
    session: Session, incidents: ModuleType, journey: Journey, env: Environment, details: str
) -> int | None:
    schemas = _optional("csops.domains.incidents.schemas")
    if schemas is None:
        return None
    data = schemas.IncidentCreate(
        title=_title(journey, env)[:200],
        severity=get_settings().journeys_incident_severity,
        service_ids=[journey.service_id],
        summary=details,
        source="journey",
        page=False,  # paged below, with the journey's own dedup key
    )
    incident = incidents.create_incident(session, data=data, actor=Actor.system())
    return int(incident.id)


def _page(
    session: Session, journey: Journey, env: Environment, health: JourneyHealth, details: str
) -> None:
    oncall = _optional("csops.domains.oncall.service")
    if oncall is None:
        log.warning("journey %s failing in %s; no on-call domain to page", journey.name, env.name)
        return
    try:
        _trigger(oncall, session, journey, env, health, details)
    except CsopsError as exc:  # paging trouble must not lose the run's record
        log.warning("journey %s: could not page: %s", journey.name, exc.detail)


def _trigger(
    oncall: ModuleType,
    session: Session,
    journey: Journey,
    env: Environment,
    health: JourneyHealth,
    details: str,
) -> None:
    oncall.trigger_page(
        session,
        title=_title(journey, env),
        dedup_key=f"journey:{journey.id}:{env.id}",
        service_id=journey.service_id,
        incident_id=health.incident_id,
        source="journey",
        details=details,
    )


def _recovered(session: Session, journey: Journey, env: Environment, health: JourneyHealth) -> None:
    incidents = _optional("csops.domains.incidents.service")
    if incidents is not None and health.incident_id is not None:
        incidents.post_update(
            session,
            incident_id=health.incident_id,
            body=f"Journey '{journey.name}' passes again in {env.name}.",
            public=False,
            actor=Actor.system(),
        )
    health.incident_id = None


def journey_green_since(session: Session, service_id: int) -> datetime | None:
    """Since when every production journey of the service passes; None while one fails
    or has never passed (and when the service has no production journeys at all)."""
    rows = session.execute(
        select(JourneyHealth.green_since)
        .join(Journey, Journey.id == JourneyHealth.journey_id)
        .join(Environment, Environment.id == JourneyHealth.environment_id)
        .where(Journey.service_id == service_id, Environment.production, Journey.enabled)
    ).all()
    if not rows or any(r[0] is None for r in rows):
        return None
    return max(as_utc(r[0]) for r in rows if r[0] is not None)


def may_auto_solve(session: Session, *, service_id: int, since: datetime) -> bool:
    """The gate for solving linked tickets: no production journeys, or all green since."""
    has_any = session.scalar(
        select(JourneyHealth.id)
        .join(Journey, Journey.id == JourneyHealth.journey_id)
        .join(Environment, Environment.id == JourneyHealth.environment_id)
        .where(Journey.service_id == service_id, Environment.production)
        .limit(1)
    )
    if has_any is None:
        return True
    green = journey_green_since(session, service_id)
    return green is not None and green >= as_utc(since) and green <= now()
