"""The CI recipe of docs/cx-release-gate.md, run as written against local servers."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from sqlalchemy import select
from typer.testing import CliRunner

from csops.cli.main import app as cli_app
from csops.domains.accounts.models import Role
from csops.domains.journeys.models import Deployment
from tests.fixtures.journeys.app import serve
from tests.web.conftest import LiveServer

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "cx-release-gate.md"
CLI = Path(sys.executable).parent / "csops"


def gate_command() -> str:
    text = DOC.read_text()
    found = re.search(r"# gate-command\n\s+run: (.+)\n", text)
    assert found, "the recipe lost its gate command"
    return found.group(1).strip()


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with serve() as url:
        yield url


def _workspace(tmp: Path, app_url: str, path: str) -> None:
    folder = tmp / "journeys"
    folder.mkdir()
    (folder / "envs.yaml").write_text(
        f'environments:\n  staging: {{base_url: "{app_url}", allowed_hosts: [127.0.0.1]}}\n'
    )
    (folder / "checks.yaml").write_text(
        "journeys:\n"
        "  - name: health\n    steps:\n      - http: {url: /health}\n"
        "        expect: {status: 200, body_contains: ok}\n"
        f"  - name: login\n    steps:\n      - http: {{url: {path}}}\n"
        "        expect: {status: 200}\n"
    )


def _env(live: LiveServer) -> dict[str, str]:
    live.user("ci@example.com", role=Role.admin)
    token = live.token("ci@example.com", scopes=("journeys:read", "journeys:write"))
    return {"CSOPS_API_TOKEN": token, "CSOPS_URL": live.url, "GITHUB_SHA": "abc123"}


def _run(tmp: Path, live: LiveServer) -> subprocess.CompletedProcess[str]:
    """The recipe's command line through bash and the installed `csops` script."""
    env = {**os.environ, "PATH": f"{CLI.parent}:{os.environ.get('PATH', '')}", **_env(live)}
    return subprocess.run(
        ["bash", "-c", gate_command()],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _run_in_process(tmp: Path, live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The same command line, parsed as bash would, run by the Typer app in this process
    (a second interpreter start costs several seconds on a busy machine)."""
    values = _env(live)
    argv = shlex.split(gate_command())
    argv = [re.sub(r"\$(\w+)", lambda m: values[m.group(1)], a) for a in argv]
    assert argv[:3] == ["csops", "journey", "run"]
    monkeypatch.chdir(tmp)
    monkeypatch.setenv("CSOPS_API_TOKEN", values["CSOPS_API_TOKEN"])
    return CliRunner().invoke(cli_app, argv[1:])


def test_gate_passes_and_records_the_deployment(
    tmp_path: Path, app_url: str, live: LiveServer
) -> None:
    if live.engine.dialect.name != "sqlite":
        pytest.skip("the command line does not depend on the backend; once is enough")
    _workspace(tmp_path, app_url, "/health")
    done = _run(tmp_path, live)
    assert done.returncode == 0, done.stdout + done.stderr
    junit = (tmp_path / "journeys-junit.xml").read_text()
    xmlschema.XMLSchema(str(ROOT / "tests/fixtures/junit/junit.xsd")).validate(junit)
    with live.session() as session:
        row = session.scalars(select(Deployment)).one()
        assert row.version == "abc123" and row.gate_passed
        assert sorted(row.passed) == ["health", "login"] and row.failed == []


def test_gate_blocks_on_a_failing_journey(
    tmp_path: Path, app_url: str, live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _workspace(tmp_path, app_url, "/fail")
    done = _run_in_process(tmp_path, live, monkeypatch)
    assert done.exit_code == 1, done.output
    assert '"failed": 1' in done.output
    with live.session() as session:
        row = session.scalars(select(Deployment)).one()
        assert row.failed == ["login"] and not row.gate_passed
