"""`csops db` and the schema check `csops serve` and `csops worker` make before starting."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import httpx
import pytest
from sqlalchemy import Engine, text

from csops.cli.common import EXIT_INVALID, CliError, check_schema
from csops.schema import current_revision, head_revision
from tests.integration.cli.conftest import CSOPS, Cli, unmigrate


def test_db_upgrade_on_an_empty_database_then_serve_check_passes(cli: Cli) -> None:
    unmigrate(cli.engine)
    with pytest.raises(CliError, match="csops db upgrade"):
        check_schema(cli.engine)

    result = cli("db", "upgrade")

    assert result.exit_code == 0, result.output
    assert f"(empty) -> {head_revision()}" in result.stdout
    assert current_revision(cli.engine) == head_revision()
    check_schema(cli.engine)  # what `csops serve` runs before binding a port
    again = cli("db", "upgrade")
    assert again.exit_code == 0 and "already at" in again.stdout
    current = cli("db", "current")
    assert current.exit_code == 0 and "up to date" in current.stdout


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["worker"]])
def test_serve_and_worker_refuse_an_unmigrated_database(cli: Cli, command: list[str]) -> None:
    unmigrate(cli.engine)

    result = cli(*command)

    assert result.exit_code == EXIT_INVALID
    assert "no csops schema yet: run `csops db upgrade`" in result.stderr
    assert "Traceback" not in result.output


def test_serve_refuses_a_newer_schema(cli: Cli) -> None:
    with cli.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))

    result = cli("serve", "--port", "1")

    assert result.exit_code == EXIT_INVALID
    assert "newer than this csops" in result.stderr


def test_serve_as_a_process_on_an_empty_sqlite_file(cli: Cli, fresh_engine: Engine) -> None:
    if fresh_engine.dialect.name != "sqlite":
        pytest.skip("one real process is enough; the check itself runs on both backends above")
    unmigrate(fresh_engine)

    proc = cli.process("serve", "--port", "1")

    assert proc.returncode == EXIT_INVALID
    assert "csops db upgrade" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_unreachable_database_is_a_clear_error(cli: Cli) -> None:
    cli.env["CSOPS_DATABASE_URL"] = "sqlite:////nonexistent-dir/x/csops.db"

    result = cli("db", "current")

    assert result.exit_code == 6
    assert "database error" in result.stderr
    assert "Traceback" not in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    try:
        _out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        _out, err = proc.communicate()
    return proc.returncode, err


def test_serve_answers_health_and_stops_on_sigterm(cli: Cli, fresh_engine: Engine) -> None:
    if fresh_engine.dialect.name != "sqlite":
        pytest.skip("one real server is enough here; tests/web runs servers on both backends")
    port = _free_port()
    proc = subprocess.Popen(
        [str(CSOPS), "serve", "--port", str(port)],
        env={**os.environ, **cli.env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert status == 200
    finally:
        code, err = _stop(proc)
    assert code in (0, -signal.SIGTERM), err  # uvicorn re-raises the signal once shut down
    assert "Application shutdown complete" in err
    assert "Traceback" not in err


def test_worker_runs_until_sigterm(cli: Cli) -> None:
    proc = subprocess.Popen(
        [str(CSOPS), "worker", "--concurrency", "2"],
        env={**os.environ, **cli.env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    banner = proc.stdout.readline()
    assert "csops worker" in banner and "concurrency" in banner
    code, err = _stop(proc)
    assert code == 0, err
    assert "Traceback" not in err
