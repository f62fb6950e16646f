"""Ingest benchmark: tickets/s and latency of `POST /api/v1/tickets` over real HTTP.

For each backend (SQLite always; PostgreSQL when reachable), on a fresh database:
`csops db upgrade`, a small demo cast (`csops demo --tickets 50`: organizations, customers,
services, an admin), an API token from `csops token create`, then a real `csops serve`
(uvicorn, embedded worker on) pinned to core 0. A raw asyncio HTTP/1.1 keep-alive client
pinned to core 1 (httpx would saturate its core first: see BENCHMARKS.md) keeps N
connections busy creating tickets with varied, realistic JSON bodies, every 4th with an
Idempotency-Key: a warm-up, then a measured window, several runs; median and range.

    .venv/bin/python bench/ingest.py [--seconds 10] [--warmup 3] [--concurrency 32]
                                     [--runs 3] [--backend all|sqlite|postgres]

Results are printed as a table and written to bench/results/ingest-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text

from csops.demo import catalog, texts

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


# The load client (runs in its own process, pinned to its own core) -------------------


def make_bodies(count: int, seed: int) -> list[bytes]:
    """Realistic, varied ticket bodies: the demo's text templates, known and new requesters."""
    rng = random.Random(seed)
    people = catalog.make_customers(random.Random(42), 300)  # the cast `csops demo` loads
    bodies = []
    for i in range(count):
        service = rng.choice(catalog.SERVICES)
        if rng.random() < 0.7:
            person = rng.choice(people)
            email, name = person.email, person.name
        else:
            email, name = f"new.{seed}.{i}@mail.example", f"New Customer {i}"
        subject, description = texts.compose(rng, service.slug, name.split()[0])
        body: dict[str, Any] = {
            "subject": subject,
            "description": description,
            "requester": {"email": email, "name": name},
            "priority": rng.choice(("low", "normal", "normal", "high", "urgent")),
            "type": rng.choice(("question", "request", "problem", "complaint")),
            "service": service.slug,
        }
        if rng.random() < 0.5:
            body["tags"] = rng.sample(["api", "bug", "vip", "billing", "mobile", "sso"], 2)
        bodies.append(json.dumps(body).encode())
    return bodies


@dataclass
class ClientResult:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_percent: float
    statuses: dict[str, int]

    @property
    def per_second(self) -> float:
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0


class Load:
    def __init__(self, host: str, port: int, token: str, bodies: list[bytes]) -> None:
        self.host, self.port, self.token, self.bodies = host, port, token, bodies
        self.measuring = False
        self.stop = False
        self.latencies: list[float] = []
        self.errors = 0
        self.statuses: dict[str, int] = {}
        self.sent = 0

    def request(self, n: int) -> bytes:
        body = self.bodies[n % len(self.bodies)]
        head = (
            f"POST /api/v1/tickets HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {self.token}\r\nContent-Type: application/json\r\n"
            f"Accept: application/json\r\nContent-Length: {len(body)}\r\n"
        )
        if n % 4 == 0:
            head += f"Idempotency-Key: {uuid.uuid4()}\r\n"
        return head.encode() + b"\r\n" + body

    async def connection(self) -> None:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        while not self.stop:
            self.sent += 1
            started = time.perf_counter()
            try:
                writer.write(self.request(self.sent))
                status, close = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                status, close = 599, True
            elapsed = time.perf_counter() - started
            if self.measuring:
                self.latencies.append(elapsed)
                self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
                if status >= 400:
                    self.errors += 1
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection(self.host, self.port)
        writer.close()


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readline()).strip() or b"0", 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() == "close"


async def drive(load: Load, concurrency: int, warmup: float, seconds: float) -> ClientResult:
    tasks = [asyncio.create_task(load.connection()) for _ in range(concurrency)]
    await asyncio.sleep(warmup)
    load.measuring = True
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.sleep(seconds)
    load.measuring = False
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    load.stop = True
    await asyncio.wait(tasks, timeout=10)
    lat = sorted(load.latencies) or [0.0]
    return ClientResult(
        requests=len(load.latencies),
        errors=load.errors,
        seconds=wall,
        p50_ms=lat[len(lat) // 2] * 1000,
        p99_ms=lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000,
        cpu_percent=100 * cpu / wall,
        statuses=load.statuses,
    )


def client_main(raw: str) -> None:
    args = json.loads(raw)
    with contextlib.suppress(ImportError):
        import uvloop  # optional: uvicorn[standard] installs it

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    bodies = make_bodies(3000, args["seed"])
    load = Load("127.0.0.1", args["port"], args["token"], bodies)
    result = asyncio.run(drive(load, args["concurrency"], args["warmup"], args["seconds"]))
    print(json.dumps(asdict(result)))


# The harness ------------------------------------------------------------------------


def pin(core: int) -> list[str]:
    if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        return ["taskset", "-c", str(core)]
    return []


def csops(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        [str(BIN / "csops"), *args], env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"csops {' '.join(args)} failed:\n{proc.stderr}")
    return proc.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def server(env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    cmd = [*pin(0), str(BIN / "csops"), "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise SystemExit(f"csops serve exited:\n{err}")
            time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def database(backend: str, tmp: Path, pg_url: str) -> Iterator[str | None]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'bench.db'}"
        return
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 (any failure: PostgreSQL is not there)
        print(f"PostgreSQL not reachable ({type(exc).__name__}): skipped")
        yield None
        return
    name = f"csops_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield pg_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench_backend(backend: str, opts: argparse.Namespace) -> dict[str, Any] | None:
    with tempfile.TemporaryDirectory(prefix="csops-bench-") as tmpdir:
        tmp = Path(tmpdir)
        with database(backend, tmp, opts.postgres_url) as url:
            if url is None:
                return None
            env = {**os.environ, "CSOPS_DATABASE_URL": url, "CSOPS_DATA_DIR": str(tmp)}
            env["CSOPS_LOG_LEVEL"] = "WARNING"
            csops(env, "db", "upgrade")
            csops(env, "demo", "--tickets", "50", "--no-sample-data")
            token = csops(env, "token", "create", "--email", "admin@csops.example",
                          "--name", "bench").strip().splitlines()[-1]  # fmt: skip
            port = free_port()
            runs = []
            with server(env, port) as proc:
                for run in range(opts.runs):
                    cpu0 = cpu_seconds(proc.pid)
                    spec = json.dumps({
                        "port": port, "token": token, "concurrency": opts.concurrency,
                        "warmup": opts.warmup, "seconds": opts.seconds, "seed": run,
                    })  # fmt: skip
                    out = subprocess.run(
                        [*pin(1), sys.executable, __file__, "--client", spec],
                        capture_output=True, text=True, check=True,
                    )  # fmt: skip
                    result = json.loads(out.stdout.strip().splitlines()[-1])
                    wall = opts.warmup + opts.seconds
                    result["server_cpu_percent"] = 100 * (cpu_seconds(proc.pid) - cpu0) / wall
                    result["per_second"] = (result["requests"] - result["errors"]) / result[
                        "seconds"
                    ]
                    runs.append(result)
                    print(f"{backend} run {run + 1}: {result['per_second']:.0f} tickets/s,"
                          f" p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms,"
                          f" errors {result['errors']}, statuses {result['statuses']}")  # fmt: skip
            return {"backend": backend, "runs": runs}


def report(results: list[dict[str, Any]], opts: argparse.Namespace) -> None:
    table = Table(
        title=f"POST /api/v1/tickets, {opts.concurrency} connections, {opts.warmup:g} s warm-up"
        f" + {opts.seconds:g} s measured, median of {opts.runs} runs"
    )
    for column in ("backend", "tickets/s (range)", "p50 ms", "p99 ms", "errors", "client CPU",
                   "server CPU"):  # fmt: skip
        table.add_column(column, justify="left" if column == "backend" else "right")
    for res in results:
        runs = res["runs"]
        rates = [r["per_second"] for r in runs]

        def med(key: str, runs: list[dict[str, Any]] = runs) -> float:
            return statistics.median(r[key] for r in runs)

        table.add_row(
            res["backend"],
            f"{statistics.median(rates):,.0f} ({min(rates):,.0f}-{max(rates):,.0f})",
            f"{med('p50_ms'):.1f}",
            f"{med('p99_ms'):.1f}",
            str(sum(r["errors"] for r in runs)),
            f"{med('cpu_percent'):.0f} %",
            f"{med('server_cpu_percent'):.0f} %",
        )
    Console(width=120).print(table)
    print("Anchors (BENCHMARKS.md, same kind of machine): one-INSERT FastAPI ceiling 1,395/s"
          " on SQLite; django-helpdesk REST ticket create 67.5/s. Target: >= 500/s on SQLite"
          " with p99 < 100 ms at 32 clients.")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured window per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up before each run")
    parser.add_argument("--concurrency", type=int, default=32, help="keep-alive connections")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=("all", "sqlite", "postgres"), default="all")
    parser.add_argument("--postgres-url", default=PG_ADMIN_URL, help="admin URL of PostgreSQL")
    opts = parser.parse_args()
    if opts.client:
        client_main(opts.client)
        return
    backends = ["sqlite", "postgres"] if opts.backend == "all" else [opts.backend]
    results = [r for b in backends if (r := bench_backend(b, opts)) is not None]
    report(results, opts)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"ingest-{stamp}.json").write_text(
        json.dumps({"options": vars(opts), "results": results}, indent=2)
    )


if __name__ == "__main__":
    main()
