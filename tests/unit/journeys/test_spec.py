from __future__ import annotations

import json
from pathlib import Path

from csops.domains.journeys import drift, redact, slo, spec

SMALLEST = """environments:
  local: {base_url: "http://127.0.0.1:8080"}
journeys:
  - name: health
    steps:
      - http: {method: GET, url: /health}
        expect: {status: 200, body_contains: ok, max_ms: 2000}
"""


def test_smallest_file_is_valid() -> None:
    loaded = spec.load_texts([("a.yaml", SMALLEST)])
    assert loaded.errors == []
    assert loaded.environments["local"].base_url == "http://127.0.0.1:8080"
    step = loaded.journeys["health"].steps[0]
    assert step.expect is not None and step.expect.max_ms == 2000


def test_environments_and_journeys_in_separate_files(tmp_path: Path) -> None:
    envs, journeys = SMALLEST.split("journeys:")
    (tmp_path / "env.yaml").write_text(envs)
    (tmp_path / "j.yml").write_text("journeys:" + journeys)
    loaded = spec.load_paths([tmp_path])
    assert loaded.errors == [] and list(loaded.journeys) == ["health"]


def test_errors_carry_line_numbers() -> None:
    text = SMALLEST.replace("status: 200", "status: nope").replace(
        "  - name: health", "  - name: health\n    bogus: 1"
    )
    errors = spec.load_texts([("b.yaml", text)]).errors
    lines = {e.line for e in errors}
    assert 5 in lines  # the unknown key
    assert 8 in lines  # the bad status
    assert all(str(e).startswith("b.yaml:") for e in errors)


def test_yaml_syntax_error_has_a_line() -> None:
    errors = spec.load_texts([("c.yaml", "journeys:\n  - name: [x\n")]).errors
    assert errors and errors[0].line is not None and "YAML" in errors[0].message


def test_secrets_only_by_reference() -> None:
    bad = SMALLEST.replace(
        '{base_url: "http://127.0.0.1:8080"}',
        '{base_url: "http://x", variables: {api_token: hunter2}}',
    )
    assert "looks secret" in str(spec.load_texts([("d.yaml", bad)]).errors[0])
    good = bad.replace("hunter2", '"${env:API_TOKEN}"')
    assert spec.load_texts([("d.yaml", good)]).errors == []


def test_include_cycle_and_unknown_include() -> None:
    text = """journeys:
  - name: a
    steps: [{include: b}]
  - name: b
    steps: [{include: a}]
  - name: c
    steps: [{include: nowhere}]
"""
    messages = " ".join(str(e) for e in spec.load_texts([("e.yaml", text)]).errors)
    assert "include cycle: a -> b -> a" in messages
    assert "unknown include 'nowhere'" in messages


def test_step_must_be_one_kind() -> None:
    text = "journeys:\n  - name: a\n    steps:\n      - {wait: 1, include: a}\n"
    assert "exactly one of" in str(spec.load_texts([("f.yaml", text)]).errors[0])


def test_published_schema_is_current() -> None:
    published = Path(__file__).resolve().parents[3] / "docs" / "journey.schema.json"
    assert json.loads(published.read_text()) == json.loads(spec.schema_text())


def test_schema_accepts_the_examples() -> None:
    import jsonschema
    import yaml

    schema = spec.json_schema()
    root = Path(__file__).resolve().parents[3] / "examples" / "journeys"
    files = sorted(root.glob("*.yaml"))
    assert files
    for f in files:
        jsonschema.validate(yaml.safe_load(f.read_text()), schema)
    assert spec.load_paths([root]).errors == []


def test_redaction() -> None:
    text = (
        "mail ann@example.com, call +1 (415) 555-0100, card 4111 1111 1111 1111, "
        '"password": "hunter22", Authorization: Bearer abcdefghijklmnop, on 2026-11-22'
    )
    out = redact.redact(text)
    for secret in ("ann@example.com", "555-0100", "4111", "hunter22", "abcdefghijklmnop"):
        assert secret not in out
    assert "2026-11-22" in out
    assert len(redact.excerpt("x" * 5000, 100)) <= 101


def test_drift_flatten_and_allow_list() -> None:
    a = {"version": "1", "features": {"chat": True, "sso": False}, "url": "http://a", "list": [1]}
    b = {"version": "2", "features": {"chat": True}, "url": "http://b", "extra": 1, "list": [1, 2]}
    found = {d.key: d for d in drift.diff(a, b, ["url"])}
    assert found["version"].kind == "changed" and not found["version"].expected
    assert found["features.sso"].kind == "removed"
    assert found["extra"].kind == "added"
    assert found["list[1]"].kind == "added"
    assert found["url"].expected
    assert "features.chat" not in found


def test_slo_maths() -> None:
    from datetime import UTC, datetime, timedelta

    at = datetime(2026, 1, 10, tzinfo=UTC)
    samples = [slo.Sample(at - timedelta(hours=i), i % 10 != 0, 100 + i) for i in range(100)]
    samples.append(slo.Sample(at - timedelta(days=30), False, 99999))  # outside the window
    status = slo.evaluate(
        samples, now=at, window=timedelta(days=7), target_success=0.95, target_p95_ms=500
    )
    assert status.runs == 100
    assert status.success == 0.9
    assert status.budget_burn is not None and abs(status.budget_burn - 2.0) < 1e-9
    assert status.met is False
    assert slo.p95(list(range(1, 101))) == 95
