"""Outbox deliveries per second: notify() rows drained by the real job worker into a local
aiosmtpd server, and outgoing webhooks into a local HTTP server (signed, SSRF-guarded).

    .venv/bin/python bench/outbox.py --messages 500 --webhooks 300 [--backend sqlite|postgres]

Each run uses a fresh database (SQLite file in a temp dir; or a new PostgreSQL database on
127.0.0.1 that is dropped afterwards), migrated with the real migrations.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CSOPS_DATA_DIR", tempfile.mkdtemp(prefix="csops-bench-"))
os.environ.setdefault("CSOPS_WEBHOOK_ALLOWED_RANGES", "127.0.0.0/8")

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from tests.integration.notifications.sinks import start_http, start_smtp  # noqa: E402

from csops.db import make_engine, session_scope  # noqa: E402
from csops.domains.notifications import jobs, service, webhooks  # noqa: E402,F401
from csops.domains.notifications.delivery import use_transports  # noqa: E402
from csops.domains.notifications.models import (  # noqa: E402
    OutboxItem,
    OutboxStatus,
    WebhookDelivery,
    WebhookSubscription,
)
from csops.integrations.smtp_out import SmtpMailer  # noqa: E402
from csops.jobs.worker import Worker  # noqa: E402
from csops.schema import upgrade  # noqa: E402

CPU: dict[str, float] = {}  # process CPU ms per delivery (worker, and the sink in-process)
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _engine(backend: str) -> tuple[object, str | None]:
    if backend == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="csops-outbox-")) / "bench.db"
        return make_engine(f"sqlite:///{path}"), None
    name = f"bench_outbox_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_engine(PG_ADMIN.rsplit("/", 1)[0] + "/" + name), name


def _drop(name: str | None) -> None:
    if name is None:
        return
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _count(engine: object, model: type, status: OutboxStatus) -> int:
    with session_scope(engine) as session:  # type: ignore[arg-type]
        query = select(func.count()).select_from(model).where(model.status == status)  # type: ignore[attr-defined]
        return int(session.scalar(query) or 0)


def bench_email(engine: object, count: int) -> float:
    with session_scope(engine) as session:  # type: ignore[arg-type]
        for n in range(count):
            service.notify(
                session,
                event_key=f"bench-{n}",
                kind="bench",
                template="generic",
                context={"subject": f"Benchmark {n}", "body": "Hello " * 40},
                address=f"rcpt{n}@bench.example",
            )
    sink, controller = start_smtp()
    try:
        with use_transports(mailer=SmtpMailer(sink.host, sink.port, timeout=10)):
            worker = Worker(engine, worker_id="bench", poll_seconds=0.01, discover=False)  # type: ignore[arg-type]
            started, cpu = time.perf_counter(), time.process_time()
            worker.run_until_idle()
            elapsed = time.perf_counter() - started
            CPU["email"] = (time.process_time() - cpu) / count * 1000
    finally:
        controller.stop()
    sent = _count(engine, OutboxItem, OutboxStatus.sent)
    if not sent == count == len(sink.unique()):
        raise SystemExit(f"lost or doubled: {sent} sent, {len(sink.unique())} received of {count}")
    return count / elapsed


def bench_webhooks(engine: object, count: int) -> float:
    sink, server = start_http()
    try:
        with session_scope(engine) as session:  # type: ignore[arg-type]
            session.add(
                WebhookSubscription(
                    name="bench",
                    url=sink.url + "/hook",
                    event_types=["*"],
                    secret="whsec_" + "A" * 32,
                    active=True,
                    allowed_ranges=["127.0.0.0/8"],
                )
            )
            session.flush()
            for n in range(count):
                webhooks.emit(
                    session,
                    event_type="ticket.created",
                    event_key=f"wh-{n}",
                    payload={"ticket_id": n},
                )
        worker = Worker(engine, worker_id="bench-wh", poll_seconds=0.01, discover=False)  # type: ignore[arg-type]
        started, cpu = time.perf_counter(), time.process_time()
        worker.run_until_idle()
        elapsed = time.perf_counter() - started
        CPU["webhooks"] = (time.process_time() - cpu) / count * 1000
    finally:
        server.shutdown()
        server.server_close()
    sent = _count(engine, WebhookDelivery, OutboxStatus.sent)
    if not sent == count == len(sink.hits):
        raise SystemExit(f"lost or doubled: {sent} sent, {len(sink.hits)} received of {count}")
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--webhooks", type=int, default=300)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    engine, name = _engine(args.backend)
    try:
        upgrade(engine)  # type: ignore[arg-type]
        email_rate = bench_email(engine, args.messages)
        hook_rate = bench_webhooks(engine, args.webhooks)
    finally:
        engine.dispose()  # type: ignore[attr-defined]
        _drop(name)
    print(f"backend: {args.backend}")  # noqa: T201
    print(
        f"email (SMTP, aiosmtpd): {args.messages} delivered, {email_rate:.0f}/s, {CPU['email']:.1f} ms CPU each"
    )  # noqa: T201
    print(
        f"webhooks (HTTP, signed, SSRF-guarded): {args.webhooks} delivered, {hook_rate:.0f}/s, {CPU['webhooks']:.1f} ms CPU each"
    )  # noqa: T201


if __name__ == "__main__":
    main()
