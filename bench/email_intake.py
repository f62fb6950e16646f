"""Inbound email throughput: messages/s sent with smtplib through the real SMTP server
(aiosmtpd) into committed tickets, on SQLite and on PostgreSQL when it is reachable.

    .venv/bin/python bench/email_intake.py [--messages 500] [--clients 4] [--pg URL]

Each message is a new ticket from its own sender (so the per-sender rate limit does not
apply); every 4th one is a reply to an earlier ticket by its subject token, every 10th
carries a 20 KB attachment. Prints messages/s, the median and p95 SMTP transaction time
(DATA answered = committed), and checks the counts in the database.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("CSOPS_DATA_DIR", tempfile.mkdtemp(prefix="csops-bench-mail-"))
os.environ.setdefault("CSOPS_MAIL_RATE_LIMIT", "1000000")
os.environ.setdefault("CSOPS_LOG_LEVEL", "WARNING")

from sqlalchemy import Engine, create_engine, func, select, text  # noqa: E402

from csops.cli.mail_cmd import start_smtp  # noqa: E402
from csops.config import get_settings  # noqa: E402
from csops.db import make_engine, session_scope  # noqa: E402
from csops.domains.channels.models import InboundMail, InboundStatus  # noqa: E402
from csops.domains.tickets.models import Ticket  # noqa: E402
from csops.schema import upgrade  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build(n: int, run: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Bench Sender {n} <sender{n}.{run}@bench.example>"
    msg["To"] = "support@bench.example"
    subject = f"Bench ticket {n}"
    if n % 4 == 3:
        subject = f"Re: [#{n}] follow-up"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<bench-{run}-{n}@bench.example>"
    msg.set_content(
        f"Hello, this is message {n}.\n\nOn Mon, 1 Jan 2024, Support wrote:\n> earlier text\n"
    )
    if n % 10 == 0:
        msg.add_attachment(
            b"x" * 20_000, maintype="application", subtype="octet-stream", filename=f"log{n}.bin"
        )
    return msg.as_bytes(policy=SMTP)  # CRLF line ends, as on the wire


def send_all(port: int, messages: list[bytes], clients: int) -> list[float]:
    timings: list[float] = []
    lock = threading.Lock()

    def worker(chunk: list[bytes]) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
            for raw in chunk:
                start = time.perf_counter()
                client.sendmail("bench@bench.example", ["support@bench.example"], raw)
                with lock:
                    timings.append(time.perf_counter() - start)

    threads = [
        threading.Thread(target=worker, args=(messages[i::clients],)) for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def bench(label: str, engine: Engine, count: int, clients: int) -> None:
    run = uuid.uuid4().hex[:8]
    messages = [build(n, run) for n in range(count)]
    port = free_port()
    server = start_smtp(engine, get_settings(), "127.0.0.1", port)
    try:
        send_all(port, messages[:20], 1)  # warm-up: imports, connection pool, caches
        start = time.perf_counter()
        timings = send_all(port, messages[20:], clients)
        elapsed = time.perf_counter() - start
    finally:
        server.stop()
    with session_scope(engine) as session:
        accepted = session.scalar(
            select(func.count(InboundMail.id)).where(InboundMail.status == InboundStatus.accepted)
        )
        tickets = session.scalar(select(func.count(Ticket.id)))
    sent = len(timings)
    timings.sort()
    print(
        f"{label:<11} {sent} messages in {elapsed:.2f} s = {sent / elapsed:7.1f} msg/s"
        f"  ({clients} SMTP clients)  median {statistics.median(timings) * 1000:.1f} ms"
        f"  p95 {timings[int(len(timings) * 0.95)] * 1000:.1f} ms"
        f"  | stored {accepted} accepted, {tickets} tickets"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--pg", default=os.environ.get("CSOPS_BENCH_PG", PG_DEFAULT))
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="csops-bench-db-"))
    engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
    upgrade(engine)
    bench("SQLite", engine, args.messages, args.clients)
    engine.dispose()
    name = f"csops_bench_mail_{uuid.uuid4().hex[:6]}"
    try:
        admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 (no PostgreSQL: SQLite figures only)
        print(f"PostgreSQL  skipped ({type(exc).__name__})")
        return
    try:
        engine = make_engine(args.pg.rsplit("/", 1)[0] + "/" + name, pool_size=8)
        upgrade(engine)
        bench("PostgreSQL", engine, args.messages, args.clients)
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
