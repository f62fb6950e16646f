"""Configuration drift over time: snapshots per environment and probe (fetched on schedule
or uploaded by CI), then warnings for unexpected differences between environments."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.journeys import drift, guard
from csops.domains.journeys.http_step import absolute
from csops.domains.journeys.models import DriftKind, DriftSnapshot, DriftWarning, Environment
from csops.errors import Invalid

MAX_PROBE_BYTES = 1_000_000


async def _fetch(env: Environment, url: str) -> Any:
    full = absolute(env.base_url, url)
    async with httpx.AsyncClient(timeout=env.timeout_s, follow_redirects=False) as client:
        for _hop in range(5):
            await guard.check_url(full, env.allowed_hosts)
            response = await client.get(full)
            if response.is_redirect and response.next_request is not None:
                full = str(response.next_request.url)
                continue
            response.raise_for_status()
            if len(response.content) > MAX_PROBE_BYTES:
                raise ValueError("probe answer too large")
            return response.json()
    raise ValueError("too many redirects")


def snapshot(
    session: Session, *, env: Environment, probe: str, data: Any, source: str, error: str = ""
) -> DriftSnapshot:
    if not isinstance(data, dict):
        raise Invalid("a configuration snapshot must be a JSON object")
    row = DriftSnapshot(
        environment_id=env.id,
        probe=probe[:100],
        source=source,
        data=data,
        error=error[:1000],
        taken_at=now(),
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class Fetched:
    probe: str
    data: Any
    error: str


def fetch_probes(env: Environment) -> list[Fetched]:
    """Network only (no session needed): every probe of `env`, or why it failed."""
    out = []
    for probe in env.probes:
        name, url = str(probe.get("name", "")), str(probe.get("url", ""))
        try:
            out.append(Fetched(name, asyncio.run(_fetch(env, url)), ""))
        except (httpx.HTTPError, guard.Refused, ValueError) as exc:
            out.append(Fetched(name, {}, f"{type(exc).__name__}: {exc}"))
    return out


def store_fetched(
    session: Session, *, env: Environment, fetched: list[Fetched]
) -> list[DriftSnapshot]:
    out = []
    for item in fetched:
        data = item.data if isinstance(item.data, dict) else {}
        error = item.error or ("" if isinstance(item.data, dict) else "not a JSON object")
        out.append(
            snapshot(session, env=env, probe=item.probe, data=data, source="probe", error=error)
        )
    return out


def take_snapshots(session: Session, *, env: Environment) -> list[DriftSnapshot]:
    return store_fetched(session, env=env, fetched=fetch_probes(env))


def latest(session: Session, env_id: int, probe: str) -> DriftSnapshot | None:
    return session.scalar(
        select(DriftSnapshot)
        .where(
            DriftSnapshot.environment_id == env_id,
            DriftSnapshot.probe == probe,
            DriftSnapshot.error == "",
        )
        .order_by(DriftSnapshot.taken_at.desc(), DriftSnapshot.id.desc())
        .limit(1)
    )


def probes(session: Session) -> list[str]:
    return sorted(set(session.scalars(select(DriftSnapshot.probe).distinct())))


def compare(
    session: Session, *, a: Environment, b: Environment, probe: str
) -> list[drift.Difference]:
    sa, sb = latest(session, a.id, probe), latest(session, b.id, probe)
    if sa is None or sb is None:
        return []
    return drift.diff(sa.data, sb.data, [*a.drift_allow, *b.drift_allow])


def detect(session: Session) -> list[DriftWarning]:
    """Replaces the open warnings with the unexpected differences found now."""
    session.execute(
        update(DriftWarning).where(DriftWarning.resolved.is_(False)).values(resolved=True)
    )
    envs = list(session.scalars(select(Environment).order_by(Environment.name)))
    found = []
    for probe in probes(session):
        for a, b in itertools.combinations(envs, 2):
            for d in compare(session, a=a, b=b, probe=probe):
                if d.expected:
                    continue
                row = DriftWarning(
                    probe=probe,
                    env_a_id=a.id,
                    env_b_id=b.id,
                    key=d.key[:500],
                    kind=DriftKind(d.kind),
                    value_a=d.a,
                    value_b=d.b,
                    resolved=False,
                    created_at=now(),
                )
                session.add(row)
                found.append(row)
    session.flush()
    return found


def open_warnings(session: Session) -> list[DriftWarning]:
    return list(
        session.scalars(
            select(DriftWarning)
            .where(DriftWarning.resolved.is_(False))
            .order_by(DriftWarning.probe, DriftWarning.key)
            .limit(500)
        )
    )
