"""`csops journey validate|schema|run` in-process (the release-gate test runs the binary)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from csops.cli.main import app


def test_validate_reports_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("journeys:\n  - name: x\n    steps:\n      - http: {url: /, verb: GET}\n")
    result = CliRunner().invoke(app, ["journey", "validate", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:4" in result.output


def test_validate_ok_and_schema(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(
        'environments:\n  local: {base_url: "http://127.0.0.1:8080"}\n'
        "journeys:\n  - name: health\n    steps:\n      - http: {method: GET, url: /health}\n"
        "        expect: {status: 200, body_contains: ok, max_ms: 2000}\n"
    )
    result = CliRunner().invoke(app, ["journey", "validate", str(good)])
    assert result.exit_code == 0 and "1 journey(s)" in result.output
    schema = CliRunner().invoke(app, ["journey", "schema"])
    assert json.loads(schema.output)["title"] == "csops journey spec"


def test_run_unknown_environment_is_invalid(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text("journeys:\n  - name: w\n    steps: [{wait: 0}]\n")
    result = CliRunner().invoke(app, ["journey", "run", str(spec), "--env", "prod"])
    assert result.exit_code == 2 and "no environment 'prod'" in result.output
