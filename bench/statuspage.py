"""Status page throughput: requests per second and latency of the public pages.

A temporary SQLite database (`csops db upgrade`), a few services, status components and a
live SEV2 incident with public updates; then a real `csops serve` pinned to core 0 and a
raw asyncio HTTP/1.1 keep-alive client on core 1 keeping N connections busy with GET
requests, per path: the HTML page (/status), the JSON summary and the SVG badge. The
page is served from the in-process cache (re-checked against the database once a second),
so this measures the cached path that a public page under load takes. Target: 1,000 req/s.

    .venv/bin/python bench/statuspage.py --seconds 10 --concurrency 32
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

BIN = Path(sys.executable).parent
PATHS = ("/status", "/api/v1/status/summary.json", "/api/v1/status/badge.svg")


def pin(core: int) -> list[str]:
    if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        return ["taskset", "-c", str(core)]
    return []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(url: str) -> None:
    from csops.clock import now
    from csops.db import make_engine, session_scope
    from csops.domains.accounts.actor import Actor
    from csops.domains.accounts.models import Service
    from csops.domains.incidents import service
    from csops.domains.incidents.schemas import IncidentCreate
    from csops.domains.statuspage.models import StatusComponent

    engine = make_engine(url)
    with session_scope(engine) as session:
        ids = []
        for n, name in enumerate(("Web app", "API", "Payments", "Email", "Search")):
            svc = Service(name=name, slug=name.lower().replace(" ", "-"))
            session.add(svc)
            session.flush()
            session.add(StatusComponent(name=name, service_id=svc.id, position=n))
            ids.append(svc.id)
        incident = service.create_incident(
            session,
            data=IncidentCreate(
                title="Card payments fail",
                severity="SEV2",
                service_ids=[ids[2]],
                page=False,
                started_at=now() - timedelta(hours=1),
            ),
            actor=Actor.system(),
        )
        for body in ("Investigating failed card payments.", "Gateway node identified."):
            service.post_update(
                session, incident_id=incident.id, body=body, public=True, actor=Actor.system()
            )
    engine.dispose()


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


async def _read(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    await reader.readexactly(int(headers.get("content-length", "0")))
    return int(lines[0].split(" ", 2)[1])


async def _drive(
    port: int, path: str, concurrency: int, warmup: float, seconds: float
) -> dict[str, float]:
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    state = {"measuring": False, "stop": False}
    latencies: list[float] = []
    errors = 0

    async def one() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while not state["stop"]:
            started = time.perf_counter()
            writer.write(request)
            status = await _read(reader)
            if state["measuring"]:
                latencies.append(time.perf_counter() - started)
                errors += status >= 400
        writer.close()

    tasks = [asyncio.create_task(one()) for _ in range(concurrency)]
    await asyncio.sleep(warmup)
    state["measuring"] = True
    t0 = time.perf_counter()
    await asyncio.sleep(seconds)
    state["measuring"] = False
    wall = time.perf_counter() - t0
    state["stop"] = True
    await asyncio.wait(tasks, timeout=10)
    lat = sorted(latencies) or [0.0]
    return {
        "rps": len(latencies) / wall,
        "p50_ms": lat[len(lat) // 2] * 1000,
        "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000,
        "errors": float(errors),
    }


def client(port: int, path: str, concurrency: int, warmup: float, seconds: float) -> None:
    with contextlib.suppress(ImportError):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    result = asyncio.run(_drive(port, path, concurrency, warmup, seconds))
    print(" ".join(f"{k}={v:.2f}" for k, v in result.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--client", nargs=2, metavar=("PORT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        client(int(args.client[0]), args.client[1], args.concurrency, args.warmup, args.seconds)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        env = {
            **os.environ,
            "CSOPS_DATABASE_URL": url,
            "CSOPS_DATA_DIR": tmp,
            "CSOPS_LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [str(BIN / "csops"), "db", "upgrade"], env=env, check=True, capture_output=True
        )
        os.environ.update(env)
        seed(url)
        port = free_port()
        print(
            f"status page, {args.concurrency} connections, {args.warmup:.0f} s warm-up + "
            f"{args.seconds:.0f} s measured, SQLite, 2-core machine (target 1000 req/s)"
        )
        with server(env, port):
            for path in PATHS:
                out = subprocess.run(
                    [
                        *pin(1),
                        sys.executable,
                        __file__,
                        "--client",
                        str(port),
                        path,
                        "--concurrency",
                        str(args.concurrency),
                        "--seconds",
                        str(args.seconds),
                        "--warmup",
                        str(args.warmup),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                print(f"{path:32} {out.stdout.strip()}")


if __name__ == "__main__":
    main()
