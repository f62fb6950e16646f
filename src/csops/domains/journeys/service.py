"""Journeys use cases: keep environments and journeys from spec YAML, run them, store the
results (screenshots as files), and enqueue runs."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import as_utc, now
from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role, Service
from csops.domains.journeys import actions, spec
from csops.domains.journeys.models import Deployment, Environment, Journey, JourneyRun, RunStatus
from csops.domains.journeys.results import JourneyResult, StepResult
from csops.domains.journeys.runner import RunOptions, run_all
from csops.errors import Invalid, NotFound, PermissionDenied
from csops.jobs.queue import enqueue

RUN_JOB = "journeys.run"


def require_editor(actor: Actor) -> None:
    if not (actor.kind == "system" or actor.role in (Role.manager, Role.admin)):
        raise PermissionDenied("only managers and admins change journeys and environments")


def invalid_from(errors: Sequence[spec.SpecError]) -> Invalid:
    return Invalid("; ".join(str(e) for e in errors[:10]))


def journey_text(journey: spec.Journey) -> str:
    data = {"journeys": [journey.model_dump(by_alias=True, exclude_defaults=True)]}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _service_id(session: Session, slug: str | None) -> int | None:
    if not slug:
        return None
    found = session.scalar(select(Service.id).where(Service.slug == slug))
    if found is None:
        raise Invalid(f"no service with slug {slug!r}")
    return found


def _upsert_env(session: Session, name: str, env: spec.Environment) -> Environment:
    row = session.scalar(select(Environment).where(Environment.name == name))
    if row is None:
        row = Environment(name=name)
        session.add(row)
    row.base_url = env.base_url
    row.variables = dict(env.variables)
    if row.schedule != env.schedule:
        row.next_run_at = None
    row.schedule = env.schedule
    row.allowed_hosts = list(env.allowed_hosts)
    row.timeout_s = env.timeout_s
    row.production = env.production
    row.probes = [p.model_dump() for p in env.probes]
    row.drift_allow = list(env.drift_allow)
    return row


def save_journey(session: Session, *, journey: spec.Journey, text: str | None = None) -> Journey:
    row = session.scalar(select(Journey).where(Journey.name == journey.name))
    if row is None:
        row = Journey(name=journey.name)
        session.add(row)
    row.spec_text = text if text is not None else journey_text(journey)
    row.service_id = _service_id(session, journey.service)
    row.updated_at = now()
    return row


def import_spec(
    session: Session, *, text: str, actor: Actor, file: str = "spec.yaml"
) -> dict[str, list[str]]:
    """Every environment and journey of one YAML document, created or replaced."""
    require_editor(actor)
    parsed = spec.load_texts([(file, text)])
    if parsed.errors:
        raise invalid_from(parsed.errors)
    known = {j.name: parse_journey_row(j) for j in session.scalars(select(Journey))}
    problems = spec._include_errors(spec.Spec(journeys={**known, **parsed.journeys}))
    if problems:
        raise invalid_from(problems)
    for name, env in parsed.environments.items():
        _upsert_env(session, name, env)
    for journey in parsed.journeys.values():
        save_journey(session, journey=journey)
    session.flush()
    return {"environments": list(parsed.environments), "journeys": list(parsed.journeys)}


def update_journey_text(session: Session, *, journey_id: int, text: str, actor: Actor) -> Journey:
    require_editor(actor)
    row = get_journey(session, journey_id=journey_id)
    part, errors = spec.parse_text(text, row.name)
    if part is None:
        raise invalid_from(errors)
    if part.environments or len(part.journeys) != 1 or part.journeys[0].name != row.name:
        raise Invalid(f"the text must hold exactly one journey, named {row.name!r}")
    return save_journey(session, journey=part.journeys[0], text=text)


def parse_journey_row(row: Journey) -> spec.Journey:
    part, errors = spec.parse_text(row.spec_text, row.name)
    if part is None or not part.journeys:
        raise invalid_from(errors or [spec.SpecError(row.name, None, "no journey in text")])
    return part.journeys[0]


def env_spec(row: Environment) -> spec.Environment:
    return spec.Environment.model_validate(
        {
            "base_url": row.base_url,
            "variables": row.variables,
            "schedule": row.schedule,
            "allowed_hosts": row.allowed_hosts,
            "timeout_s": row.timeout_s,
            "production": row.production,
            "probes": row.probes,
            "drift_allow": row.drift_allow,
        }
    )


def load_spec(session: Session) -> spec.Spec:
    """Every stored environment and enabled journey, as the runner wants them."""
    out = spec.Spec()
    for env in session.scalars(select(Environment).order_by(Environment.name)):
        out.environments[env.name] = env_spec(env)
    for row in session.scalars(select(Journey).where(Journey.enabled).order_by(Journey.name)):
        try:
            out.journeys[row.name] = parse_journey_row(row)
        except Invalid as exc:
            out.errors.append(spec.SpecError(row.name, None, exc.detail))
    return out


def get_journey(session: Session, *, journey_id: int) -> Journey:
    row = session.get(Journey, journey_id)
    if row is None:
        raise NotFound("no such journey")
    return row


def get_environment(session: Session, *, name: str) -> Environment:
    row = session.scalar(select(Environment).where(Environment.name == name))
    if row is None:
        raise NotFound(f"no environment named {name!r}")
    return row


def get_run(session: Session, *, run_id: int) -> JourneyRun:
    row = session.get(JourneyRun, run_id)
    if row is None:
        raise NotFound("no such run")
    return row


def list_journeys(session: Session) -> list[Journey]:
    return list(session.scalars(select(Journey).order_by(Journey.name)))


def list_environments(session: Session) -> list[Environment]:
    return list(session.scalars(select(Environment).order_by(Environment.name)))


def list_runs(
    session: Session,
    *,
    journey_id: int | None = None,
    environment_id: int | None = None,
    limit: int = 50,
) -> list[JourneyRun]:
    query = select(JourneyRun).order_by(JourneyRun.started_at.desc(), JourneyRun.id.desc())
    if journey_id is not None:
        query = query.where(JourneyRun.journey_id == journey_id)
    if environment_id is not None:
        query = query.where(JourneyRun.environment_id == environment_id)
    return list(session.scalars(query.limit(limit)))


def screenshots_dir() -> Path:
    return get_settings().data_dir / "journeys" / "screenshots"


def record_result(
    session: Session, *, result: JourneyResult, trigger: str = "manual"
) -> JourneyRun | None:
    """Stores one journey result (None when the journey or environment is unknown here)."""
    journey = session.scalar(select(Journey).where(Journey.name == result.journey))
    env = session.scalar(select(Environment).where(Environment.name == result.environment))
    if journey is None or env is None:
        return None
    run = JourneyRun(
        journey_id=journey.id,
        environment_id=env.id,
        status=RunStatus(result.status),
        trigger=trigger[:20],
        started_at=as_utc(result.started_at),
        duration_ms=result.duration_ms,
        error=result.error[:2000],
        steps=[],
    )
    session.add(run)
    session.flush()
    steps: list[dict[str, Any]] = []
    for index, step in enumerate(result.steps):
        data = step.to_dict()
        data["excerpt"] = str(data.get("excerpt") or "")[: get_settings().journeys_excerpt_chars]
        data["screenshot_path"] = None
        if step.screenshot:
            folder = screenshots_dir()
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"run-{run.id}-{index}.png"
            path.write_bytes(step.screenshot)
            data["screenshot"] = path.name
        steps.append(data)
    run.steps = steps
    actions.after_run(session, journey=journey, environment=env, run=run)
    return run


def run_options() -> RunOptions:
    settings = get_settings()
    return RunOptions(
        concurrency=settings.journeys_concurrency,
        excerpt_limit=settings.journeys_excerpt_chars,
        chromium=settings.journeys_chromium_path,
    )


def execute(
    session: Session, *, environment: str, names: list[str] | None = None, trigger: str
) -> list[JourneyRun]:
    """Runs now, in this thread and transaction, and stores the results."""
    loaded = load_spec(session)
    if environment not in loaded.environments:
        raise NotFound(f"no environment named {environment!r}")
    results = asyncio.run(run_all(loaded, environment, names=names, options=run_options()))
    return store_results(session, results=results, trigger=trigger)


def store_results(
    session: Session, *, results: Sequence[JourneyResult], trigger: str
) -> list[JourneyRun]:
    runs = [record_result(session, result=r, trigger=trigger) for r in results]
    return [r for r in runs if r is not None]


def enqueue_run(
    session: Session, *, journey_id: int, environment: str | None, actor: Actor
) -> list[str]:
    """Asks the worker to run one journey now, in one environment or in all of them."""
    journey = get_journey(session, journey_id=journey_id)
    envs = (
        [get_environment(session, name=environment)] if environment else list_environments(session)
    )
    for env in envs:
        enqueue(
            session,
            kind=RUN_JOB,
            payload={"environment_id": env.id, "journey_ids": [journey.id], "trigger": "manual"},
            max_attempts=1,
        )
    return [e.name for e in envs]


journey_green_since = actions.journey_green_since
may_auto_solve = actions.may_auto_solve


def record_deployment(session: Session, *, data: Any, actor: Actor) -> Any:
    """A CI gate's outcome: which journeys passed before a deploy; the runs are stored
    too when the journeys and environment are known here."""
    passed: list[str] = []
    failed: list[str] = []
    for item in data.results:
        (passed if item.status == "passed" else failed).append(item.journey)
        result = JourneyResult(
            journey=item.journey,
            environment=item.environment,
            started_at=item.started_at,
            status=item.status,
            duration_ms=item.duration_ms,
            error=item.error,
            steps=[StepResult(**s.model_dump()) for s in item.steps],
        )
        if result.started_at.tzinfo is None:
            raise Invalid("started_at needs a time zone")
        record_result(session, result=result, trigger="ci")
    row = Deployment(
        environment=data.environment,
        version=data.version,
        passed=passed,
        failed=failed,
        gate_passed=not failed and bool(passed),
        created_at=now(),
    )
    session.add(row)
    session.flush()
    return row
