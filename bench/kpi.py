"""KPI benchmark: the dashboard's queries on a desk with a million tickets.

For each backend (SQLite always; PostgreSQL when reachable) a fresh database is migrated
with the real migrations and filled with `--tickets` tickets spread over a year (with
their 'created', 'solved' and some 'reopened' status events, and one to three public agent
replies each), written in bulk with plain INSERTs; the KPI facts are then rebuilt from
those events (`reports.facts.rebuild_facts`, the same rows the ticket hooks keep). Then every query of the KPI dashboard is
timed for three scopes (last 30 days, last 90 days, last 30 days of one team): one warm-up
run, then the median and the worst of `--runs` runs, in milliseconds.

    .venv/bin/python bench/kpi.py [--tickets 1000000] [--runs 5] [--backend all|sqlite|postgres]

Target (issue): every dashboard query under 300 ms on PostgreSQL at 1,000,000 tickets.
Results are printed as a table and written to bench/results/kpi-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.orm import Session

from csops import clock
from csops.db import make_engine
from csops.domains.accounts.models import Customer, Organization, Service, Team, User
from csops.domains.reports import facts, kpis
from csops.domains.reports.filters import KpiFilter
from csops.domains.tickets.models import Message, Ticket, TicketEvent
from csops.schema import upgrade

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DB = "csops_bench_kpi"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CHANNELS = ("email", "web", "portal", "chat", "api", "phone")
TYPES = ("question", "request", "complaint", "problem")
PRIORITIES = ("low", "normal", "normal", "normal", "high", "urgent")
BATCH = 20_000
console = Console()


def _cast(engine: Engine, rng: random.Random) -> dict[str, list[int]]:
    with Session(engine) as session:
        teams = [Team(name=f"Team {n}") for n in range(8)]
        orgs = [Organization(name=f"Org {n}", domain=f"org{n}.example") for n in range(200)]
        session.add_all(teams + orgs)
        session.flush()
        services = [
            Service(name=f"Service {n}", slug=f"service-{n}", owning_team_id=teams[n % 8].id)
            for n in range(20)
        ]
        users = [User(email=f"agent{n}@desk.example", name=f"Agent {n}") for n in range(50)]
        session.add_all(services + users)
        session.flush()
        customers = [
            {
                "email": f"c{n}@org{n % 200}.example",
                "name": f"Customer {n}",
                "organization_id": orgs[n % 200].id,
            }
            for n in range(20_000)
        ]
        session.execute(insert(Customer), customers)
        session.commit()
        customer_ids = [row[0] for row in session.execute(text("SELECT id FROM customers"))]
        return {
            "teams": [t.id for t in teams],
            "orgs": [o.id for o in orgs],
            "services": [s.id for s in services],
            "users": [u.id for u in users],
            "customers": customer_ids,
        }


def _tickets(
    rng: random.Random, cast: dict[str, list[int]], first_id: int, count: int
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
    org_of = {c: cast["orgs"][i % 200] for i, c in enumerate(cast["customers"])}
    for n in range(count):
        ticket_id = first_id + n
        created = NOW - timedelta(seconds=rng.uniform(0, 365 * 86400))
        team = rng.choice(cast["teams"])
        customer = rng.choice(cast["customers"])
        first_reply = created + timedelta(minutes=rng.lognormvariate(4.0, 1.0))
        answered = first_reply < NOW and (NOW - created > timedelta(days=14) or rng.random() < 0.95)
        solved_at = first_reply + timedelta(hours=rng.lognormvariate(2.0, 1.2))
        # Nearly every ticket older than two weeks is solved: a real backlog is recent.
        settled = 0.995 if NOW - created > timedelta(days=14) else 0.9
        solved = answered and solved_at < NOW and rng.random() < settled
        reopened = solved and rng.random() < 0.06
        status = "open" if reopened else "solved" if solved else "open" if answered else "new"
        ticket = {
            "id": ticket_id,
            "subject": "Card payment declined",
            "requester_id": customer,
            "organization_id": org_of[customer],
            "channel": rng.choice(CHANNELS),
            "type": rng.choice(TYPES),
            "priority": rng.choice(PRIORITIES),
            "status": status,
            "assignee_id": rng.choice(cast["users"]),
            "team_id": team,
            "service_id": rng.choice(cast["services"]),
            "tags": [],
            "custom_fields": {},
            "created_at": created,
            "updated_at": created,
            "first_public_reply_at": first_reply if answered else None,
            "solved_at": solved_at if solved else None,
            "reopen_count": int(reopened),
            "version": 1,
        }
        events = [_event(ticket_id, "created", None, "new", created)]
        messages = []
        if answered:
            replies = 1 if rng.random() < 0.55 else rng.choice((2, 3))
            for k in range(replies):
                messages.append(_reply(ticket_id, first_reply + timedelta(minutes=30 * k)))
        if solved:
            events.append(_event(ticket_id, "status", "open", "solved", solved_at))
        if reopened:
            events.append(
                _event(ticket_id, "status", "solved", "open", solved_at + timedelta(hours=20))
            )
        yield ticket, events, messages


def _event(ticket_id: int, field: str, old: str | None, new: str, at: datetime) -> dict[str, Any]:
    return {
        "ticket_id": ticket_id,
        "actor_kind": "user",
        "actor_id": None,
        "field": field,
        "old_value": old,
        "new_value": new,
        "created_at": at,
    }


def _reply(ticket_id: int, at: datetime) -> dict[str, Any]:
    return {
        "ticket_id": ticket_id,
        "author_kind": "user",
        "is_public": True,
        "channel": "web",
        "body_html": "<p>Fixed.</p>",
        "body_text": "Fixed.",
        "created_at": at,
    }


def load(engine: Engine, count: int, seed: int) -> float:
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 (synthetic data)
    cast = _cast(engine, rng)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"loading {count:,} tickets", total=count)
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            tickets, events, messages = [], [], []
            for ticket, evs, msgs in _tickets(rng, cast, start + 1, size):
                tickets.append(ticket)
                events += evs
                messages += msgs
            with engine.begin() as conn:
                conn.execute(insert(Ticket.__table__), tickets)
                conn.execute(insert(TicketEvent.__table__), events)
                conn.execute(insert(Message.__table__), messages)
            progress.advance(task, size)
    with Session(engine) as session, session.begin():
        facts.rebuild_facts(session)  # what `ticket_facts` holds after hooks ran for each
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval('tickets_id_seq', (SELECT max(id) FROM tickets))"))
    # A settled database (autovacuum would have run): statistics and the visibility map
    # that lets PostgreSQL answer from covering indexes alone.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    return time.perf_counter() - started


QUERIES: dict[str, Callable[[Session, KpiFilter], Any]] = {
    "volume": kpis.volume,
    "first_response": kpis.first_response,
    "resolution": kpis.resolution,
    "backlog": kpis.backlog,
    "reopen_rate": kpis.reopen_rate,
    "one_touch_rate": kpis.one_touch_rate,
    "whole dashboard": kpis.dashboard,
}


def scopes(team_id: int) -> dict[str, KpiFilter]:
    return {
        "30 days": KpiFilter(start=NOW - timedelta(days=30), end=NOW),
        "90 days": KpiFilter(start=NOW - timedelta(days=90), end=NOW),
        "30 days, one team": KpiFilter(start=NOW - timedelta(days=30), end=NOW, team_id=team_id),
    }


def time_queries(engine: Engine, runs: int) -> list[dict[str, Any]]:
    rows = []
    with Session(engine) as session, clock.frozen(NOW):
        team_id = session.execute(text("SELECT min(id) FROM teams")).scalar_one()
        for scope_name, f in scopes(team_id).items():
            for name, query in QUERIES.items():
                query(session, f)  # warm-up
                times = []
                for _ in range(runs):
                    started = time.perf_counter()
                    query(session, f)
                    times.append((time.perf_counter() - started) * 1000)
                rows.append(
                    {
                        "scope": scope_name,
                        "query": name,
                        "median_ms": round(statistics.median(times), 1),
                        "max_ms": round(max(times), 1),
                    }
                )
    return rows


def pg_engine() -> Engine | None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DB}"'))
            conn.execute(text(f'CREATE DATABASE "{PG_DB}"'))
    except Exception as exc:  # PostgreSQL is optional for this benchmark
        console.print(f"[yellow]PostgreSQL not reachable, skipped: {type(exc).__name__}[/]")
        return None
    finally:
        admin.dispose()
    return make_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backend", choices=("all", "sqlite", "postgres"), default="all")
    args = parser.parse_args()
    results: dict[str, Any] = {"tickets": args.tickets, "backends": {}}
    with tempfile.TemporaryDirectory() as tmp:
        engines: dict[str, Engine | None] = {}
        if args.backend in ("all", "sqlite"):
            engines["sqlite"] = make_engine(f"sqlite:///{tmp}/kpi.db")
        if args.backend in ("all", "postgres"):
            engines["postgres"] = pg_engine()
        for name, engine in engines.items():
            if engine is None:
                continue
            upgrade(engine)
            seconds = load(engine, args.tickets, args.seed)
            console.print(f"{name}: loaded {args.tickets:,} tickets in {seconds:.0f} s")
            rows = time_queries(engine, args.runs)
            results["backends"][name] = {"load_seconds": round(seconds, 1), "queries": rows}
            engine.dispose()
    for name, found in results["backends"].items():
        table = Table(title=f"KPI queries, {name}, {args.tickets:,} tickets (ms)")
        for column in ("scope", "query", "median", "worst"):
            table.add_column(column, justify="left" if column in ("scope", "query") else "right")
        for row in found["queries"]:
            slow = row["max_ms"] >= 300
            worst = f"[red]{row['max_ms']}[/]" if slow else str(row["max_ms"])
            table.add_row(row["scope"], row["query"], str(row["median_ms"]), worst)
        console.print(table)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"kpi-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    console.print(f"written to {path}")


if __name__ == "__main__":
    main()
