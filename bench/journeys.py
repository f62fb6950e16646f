"""How many HTTP steps per second the journey runner sustains with 50 journeys at once
against a local server (the tests' small app, in a uvicorn process of its own).

Each journey: POST a JSON item, extract its id, GET it back with a JSONPath check, GET
/health: three HTTP steps, cookies and variables carried. Prints steps/s and latency.

    .venv/bin/python bench/journeys.py [--journeys 50] [--rounds 4]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures.journeys.app import free_port  # noqa: E402

from csops.domains.journeys import spec  # noqa: E402
from csops.domains.journeys.runner import RunOptions, run_all  # noqa: E402


def make_spec(url: str, journeys: int) -> spec.Spec:
    lines = [
        f'environments:\n  bench: {{base_url: "{url}", allowed_hosts: [127.0.0.1]}}\n',
        "journeys:\n",
    ]
    for i in range(journeys):
        lines.append(
            f"  - name: j{i}\n    steps:\n"
            f'      - http: {{method: POST, url: /items, json: {{name: "n{i}"}}}}\n'
            "        expect: {status: 201}\n"
            '        extract: {item: {jsonpath: "$.id"}}\n'
            '      - http: {url: "/items/${item}"}\n'
            f'        expect: {{json: {{"$.name": "n{i}"}}}}\n'
            "      - http: {url: /health}\n        expect: {body_contains: ok}\n"
        )
    loaded = spec.load_texts([("bench.yaml", "".join(lines))])
    if loaded.errors:
        raise SystemExit(str(loaded.errors[0]))
    return loaded


@contextmanager
def server() -> Iterator[str]:
    port = free_port()
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "tests.fixtures.journeys.app:make_app",
            "--port",
            str(port),
            "--log-level",
            "error",
            "--no-access-log",
        ],
        cwd=root,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--journeys", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    with server() as url:
        loaded = make_spec(url, args.journeys)
        options = RunOptions(concurrency=args.journeys)
        asyncio.run(run_all(loaded, "bench", options=options))  # warm-up
        rates, step_ms = [], []
        for _ in range(args.rounds):
            started = time.perf_counter()
            results = asyncio.run(run_all(loaded, "bench", options=options))
            elapsed = time.perf_counter() - started
            steps = sum(len(r.steps) for r in results)
            failed = [r for r in results if not r.ok]
            if failed:
                raise SystemExit(f"{len(failed)} journeys failed: {failed[0].error}")
            rates.append(steps / elapsed)
            step_ms.extend(s.duration_ms for r in results for s in r.steps)
    print(f"journeys at once: {args.journeys}, steps per round: {steps}, rounds: {args.rounds}")
    print(f"HTTP steps/s: median {statistics.median(rates):.0f}, best {max(rates):.0f}")
    q = statistics.quantiles(step_ms, n=20)
    print(f"step latency ms: median {statistics.median(step_ms):.0f}, p95 {q[18]:.0f}")


if __name__ == "__main__":
    main()
