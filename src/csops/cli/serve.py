"""`csops serve` (web server, with one embedded job worker) and `csops worker` (jobs only).

Both refuse to start on a database whose schema is not this csops' (exit code 2, with the
command to run). On SQLite there is one writer, so one process serves and works; on
PostgreSQL `--workers N` runs N web processes and any number of `csops worker` may run
beside them, on any machine.
"""

from __future__ import annotations

import gc
import importlib.util
import signal
import threading
from types import FrameType

import typer
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine

from csops.cli.common import (
    EXIT_INVALID,
    CliError,
    check_schema,
    cli_command,
    console,
    database_label,
    load_settings,
    open_engine,
)
from csops.cli.mail_cmd import start_smtp
from csops.config import Settings
from csops.jobs import registry
from csops.jobs.worker import Worker
from csops.observability.logging import configure_logging
from csops.web.app import create_app


def web_process_app() -> FastAPI:
    """The app of one web process under `--workers N` (jobs run in the supervisor)."""
    return create_app(run_worker=False)


def _fastest(module: str, name: str) -> str:
    """uvloop / httptools when installed (uvicorn[standard]), else uvicorn's defaults."""
    return name if importlib.util.find_spec(module) is not None else "auto"


def _tune_gc() -> None:
    """Objects alive at start-up (modules, app, routes) leave the collector's view, and
    young-generation collections run less often: a request allocates thousands of objects
    and frees nearly all of them by reference counting, so frequent collections find
    little and cost several per cent of the CPU under load."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def _run_uvicorn(
    app: FastAPI | str, host: str, port: int, workers: int, access_log: bool = False
) -> None:
    _tune_gc()
    uvicorn.run(
        app,
        host=host,
        port=port,
        workers=workers if workers > 1 else None,
        factory=workers > 1,
        loop=_fastest("uvloop", "uvloop"),
        http=_fastest("httptools", "httptools"),
        log_config=None,  # csops' own handler: JSON or text, with redaction
        access_log=access_log,  # off by default: a log line per request costs real CPU
        proxy_headers=True,
        server_header=False,
    )


@cli_command
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on"),
    port: int = typer.Option(8000, "--port", help="TCP port"),
    no_worker: bool = typer.Option(
        False, "--no-worker", help="Do not run the embedded job worker (run `csops worker`)"
    ),
    workers: int = typer.Option(
        1, "--workers", min=1, max=64, help="Web processes (PostgreSQL only; SQLite needs 1)"
    ),
    access_log: bool = typer.Option(
        False, "--access-log", help="Log a line per request (off by default: it costs CPU)"
    ),
    smtp_port: int = typer.Option(
        0, "--smtp-port", help="Also run the inbound SMTP server on this port (0: off)"
    ),
) -> None:
    """Serve the web UI and API (migrate first with `csops db upgrade`)."""
    settings = load_settings()
    engine = open_engine(settings)
    check_schema(engine)
    if workers > 1 and engine.dialect.name == "sqlite":
        raise CliError("SQLite has a single writer: use --workers 1 (or PostgreSQL)", EXIT_INVALID)
    job_mode = "off (--no-worker)" if no_worker else "embedded"
    console.print(
        f"[bold green]csops[/] on http://{host}:{port}  database {database_label(engine)}"
        f"  workers {workers}  jobs {job_mode}"
    )
    smtp_server = start_smtp(engine, settings, host, smtp_port) if smtp_port else None
    try:
        _serve_web(settings, engine, host, port, workers, no_worker, access_log)
    finally:
        if smtp_server is not None:
            smtp_server.stop()


def _serve_web(
    settings: Settings,
    engine: Engine,
    host: str,
    port: int,
    workers: int,
    no_worker: bool,
    access_log: bool,
) -> None:
    if workers == 1:
        app = create_app(settings, engine, run_worker=not no_worker)
        _run_uvicorn(app, host, port, 1, access_log)
        return
    stop: threading.Event | None = None
    thread: threading.Thread | None = None
    if not no_worker:  # one job worker in the supervisor, beside the N web processes
        configure_logging(settings.log_format, settings.log_level)
        thread, stop = Worker(engine).start_in_thread()
    try:
        _run_uvicorn("csops.cli.serve:web_process_app", host, port, workers, access_log)
    finally:
        if stop is not None and thread is not None:
            stop.set()
            thread.join(timeout=10)


@cli_command
def worker(
    concurrency: int = typer.Option(
        1, "--concurrency", min=1, max=64, help="Jobs run at once (PostgreSQL; SQLite runs 1)"
    ),
) -> None:
    """Run a standalone job worker until SIGTERM or Ctrl-C."""
    settings = load_settings()
    engine = open_engine(settings)
    check_schema(engine)
    configure_logging(settings.log_format, settings.log_level)
    registry.autodiscover()
    job_worker = Worker(engine, concurrency=concurrency)
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        console.print(f"stopping after the current job ({signal.Signals(signum).name})")
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    console.print(
        f"[bold green]csops worker[/] {job_worker.worker_id}  database {database_label(engine)}"
        f"  concurrency {job_worker.concurrency}  kinds {', '.join(registry.registered_kinds())}"
    )
    job_worker.run_forever(stop)
    engine.dispose()
