"""Demo CX assurance: journeys against csops itself in two environments ("local" and
"staging-like", both http://127.0.0.1:8000 with different variables and schedules), a
week of synthesized run history so the CX page has charts from the start, configuration
snapshots that drift a little, and one gated deployment. The same journeys are in
examples/journeys/ as files for `csops journey run`.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Service
from csops.domains.journeys import drift_store, service
from csops.domains.journeys.models import (
    Deployment,
    Environment,
    Journey,
    JourneyHealth,
    JourneyRun,
    RunStatus,
)

ENVIRONMENTS = """environments:
  local:
    base_url: "http://127.0.0.1:8000"
    allowed_hosts: ["127.0.0.1"]
    schedule: "*/15 * * * *"
    variables: {requester: "journey-local@example.com", api_token: "${env:CSOPS_JOURNEY_TOKEN}"}
    probes: [{name: health, url: /health}]
    drift_allow: ["version", "uptime*"]
  staging-like:
    base_url: "http://127.0.0.1:8000"
    allowed_hosts: ["127.0.0.1"]
    schedule: "*/30 * * * *"
    timeout_s: 5
    variables: {requester: "journey-staging@example.com", api_token: "${env:CSOPS_JOURNEY_TOKEN}"}
    probes: [{name: health, url: /health}]
    drift_allow: ["version", "uptime*"]
"""

JOURNEYS = """journeys:
  - name: status page is up
    service: status-page
    slo: {success: 0.99, p95_ms: 1000}
    steps:
      - http: {method: GET, url: /health}
        expect: {status: 200, max_ms: 1000}
      - http: {method: GET, url: /portal/login}
        expect: {status: 200, headers: {content-type: text/html}, max_ms: 1500}
  - name: API creates and fetches a ticket
    slo: {success: 0.98, p95_ms: 2000}
    steps:
      - name: create
        http:
          method: POST
          url: /api/v1/tickets
          headers: {Authorization: "Bearer ${api_token}"}
          json: {subject: "Journey ${run_id}", description: "Synthetic", requester: {email: "${requester}", name: "Journey"}}
        expect: {status: 201}
        extract: {ticket: {jsonpath: "$.id"}}
      - name: fetch
        http: {method: GET, url: "/api/v1/tickets/${ticket}", headers: {Authorization: "Bearer ${api_token}"}}
        expect: {status: 200, max_ms: 2000}
  - name: portal request gets an acknowledgment email
    service: notifications
    slo: {success: 0.95, p95_ms: 60000}
    steps:
      - email:
          to: support@csops.invalid
          from: "${requester}"
          subject: "Cannot log in ${run_id}"
          body: "Hello, my login fails."
          smtp_port: 2525
          mailbox: {kind: sink, port: 2526}
          expect_subject: "Cannot log in ${run_id}"
          within_s: 60
"""

# (typical ms, failure rate) per journey and environment: staging-like is slower and the
# email journey flaky there, the kind of contrast the side-by-side charts are for.
PROFILE = {
    ("status page is up", "local"): (120, 0.005),
    ("status page is up", "staging-like"): (260, 0.02),
    ("API creates and fetches a ticket", "local"): (300, 0.01),
    ("API creates and fetches a ticket", "staging-like"): (650, 0.03),
    ("portal request gets an acknowledgment email", "local"): (9000, 0.02),
    ("portal request gets an acknowledgment email", "staging-like"): (21000, 0.12),
}


def _spec_text(session: Session) -> str:
    slugs = set(session.scalars(select(Service.slug)))
    text = JOURNEYS
    for slug in ("status-page", "notifications"):
        if slug not in slugs:
            text = text.replace(f"    service: {slug}\n", "")
    return ENVIRONMENTS + text


def _steps(name: str, passed: bool, ms: int) -> list[dict[str, object]]:
    status = "passed" if passed else "failed"
    error = "" if passed else "status 502, expected 200"
    return [
        {
            "name": name.split(" ")[0],
            "kind": "http",
            "status": status,
            "duration_ms": ms,
            "error": error,
            "excerpt": "",
            "http_status": 200 if passed else 502,
            "screenshot_path": None,
        }
    ]


def _history(
    session: Session, journey: Journey, env: Environment, *, now: datetime, rng: random.Random
) -> None:
    typical, fail_rate = PROFILE.get((journey.name, env.name), (300, 0.02))
    step = timedelta(hours=2 if env.name == "local" else 3)
    at, streak, green = now - timedelta(days=7), 0, None
    last = RunStatus.passed
    while at < now:
        passed = rng.random() >= fail_rate
        ms = max(20, int(rng.lognormvariate(0, 0.35) * typical))
        last = RunStatus.passed if passed else RunStatus.failed
        session.add(
            JourneyRun(
                journey_id=journey.id,
                environment_id=env.id,
                status=last,
                trigger="schedule",
                started_at=at,
                duration_ms=ms,
                error="" if passed else "status 502, expected 200",
                steps=_steps(journey.name, passed, ms),
            )
        )
        streak = 0 if passed else streak + 1
        green = (green or at) if passed else None
        at += step + timedelta(minutes=rng.randint(0, 20))
    session.add(
        JourneyHealth(
            journey_id=journey.id,
            environment_id=env.id,
            consecutive_failures=streak,
            last_status=last,
            green_since=green,
        )
    )


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    service.import_spec(session, text=_spec_text(session), actor=Actor.system())
    envs = service.list_environments(session)
    journeys = service.list_journeys(session)
    for journey in journeys:
        for env in envs:
            _history(session, journey, env, now=now, rng=rng)
    by_name = {e.name: e for e in envs}
    base = {"status": "ok", "version": "0.9.0", "database": "sqlite", "features": {"chat": True}}
    drift_store.snapshot(session, env=by_name["local"], probe="health", data=base, source="demo")
    staged = {**base, "version": "0.9.1", "features": {"chat": True, "sso": True}}
    drift_store.snapshot(
        session, env=by_name["staging-like"], probe="health", data=staged, source="demo"
    )
    drift_store.detect(session)
    session.add(
        Deployment(
            environment="staging-like",
            version="0.9.1",
            passed=[j.name for j in journeys],
            failed=[],
            gate_passed=True,
            created_at=now - timedelta(hours=5),
        )
    )
    session.flush()
