"""The runner against a real local HTTP app (fast, failing, slow, JSON, cookies, redirects)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import xmlschema

from csops.domains.journeys import report, spec
from csops.domains.journeys.results import JourneyResult
from csops.domains.journeys.runner import RunOptions, run_all
from tests.fixtures.journeys.app import serve

XSD = Path(__file__).resolve().parents[2] / "fixtures" / "junit" / "junit.xsd"

JOURNEYS = """
journeys:
  - name: health
    steps:
      - http: {method: GET, url: /health}
        expect: {status: 200, body_contains: ok, max_ms: 2000}
  - name: items
    steps:
      - http: {method: POST, url: /items, json: {name: "${who}", token: "${env:JT_SECRET}"}}
        expect: {status: 201, json: {"$.name": ann}, headers: {location: /items/}}
        extract: {item: {jsonpath: "$.id"}, where: {header: location}, word: {regex: "\\\"name\\\": ?\\\"(\\\\w+)"}}
      - http: {url: "${where}"}
        expect: {json: {"$.name": "${word}"}, body_contains: '"id"'}
      - include: login
  - name: login
    steps:
      - http: {method: POST, url: /login, form: {user: bob}}
      - http: {url: /me}
        expect: {body_contains: "s-bob", regex: "user s-\\\\w+"}
  - name: failing
    steps:
      - http: {url: /fail}
        expect: {status: 200}
      - wait: 0.01
  - name: slow
    steps:
      - http: {url: /slow, query: {ms: 300}}
        expect: {max_ms: 100}
  - name: to metadata
    steps:
      - http: {url: /redirect, query: {to: "http://169.254.169.254/latest/meta-data"}}
  - name: to private
    steps:
      - http: {url: /redirect, query: {to: "http://10.255.255.1/"}}
"""


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve() as url:
        yield url


def _spec(url: str, allowed: str = "[127.0.0.1]") -> spec.Spec:
    envs = f"""environments:
  local: {{base_url: "{url}", allowed_hosts: {allowed}, variables: {{who: ann}}}}
"""
    loaded = spec.load_texts([("envs.yaml", envs), ("j.yaml", JOURNEYS)])
    assert loaded.errors == []
    return loaded


def _run(loaded: spec.Spec, **kw: object) -> dict[str, JourneyResult]:
    options = RunOptions(environ={"JT_SECRET": "s3cr3t-value"}, **kw)  # type: ignore[arg-type]
    return {r.journey: r for r in asyncio.run(run_all(loaded, "local", options=options))}


def test_runs_pass_fail_and_slow(base_url: str) -> None:
    results = _run(_spec(base_url), concurrency=3)
    assert results["health"].ok
    assert results["items"].ok, results["items"].error
    assert [s.name for s in results["items"].steps][-2:] == ["login/POST /login", "login/GET /me"]
    assert results["login"].ok
    failing = results["failing"]
    assert failing.status == "failed" and "status 500" in failing.error
    assert [s.status for s in failing.steps] == ["failed", "skipped"]
    assert "[phone]" in failing.steps[0].excerpt and "[email]" in failing.steps[0].excerpt
    assert "ops@example.com" not in failing.steps[0].excerpt
    assert results["slow"].status == "failed" and "budget 100 ms" in results["slow"].error


def test_secret_never_in_excerpts(base_url: str) -> None:
    items = _run(_spec(base_url))["items"]
    for step in items.steps:
        assert "s3cr3t-value" not in step.excerpt + step.error


def test_redirects_to_internal_addresses_are_refused(base_url: str) -> None:
    results = _run(_spec(base_url))
    assert results["to metadata"].status == "error"
    assert "169.254.169.254" in results["to metadata"].error
    assert results["to private"].status == "error" and "10.255.255.1" in results["to private"].error


def test_loopback_refused_unless_allowed(base_url: str) -> None:
    results = (
        _run(_spec(base_url, allowed="[]"), names=None) if False else _run(_spec(base_url, "[]"))
    )
    assert results["health"].status == "error"
    assert "allowed_hosts" in results["health"].error
    cidr = _run(_spec(base_url, "['127.0.0.0/8']"))
    assert cidr["health"].ok


def test_link_local_allowed_only_when_listed() -> None:
    from csops.domains.journeys import guard

    with pytest.raises(guard.Refused):
        asyncio.run(guard.check_url("http://169.254.169.254/", []))
    asyncio.run(guard.check_url("http://169.254.169.254/", ["169.254.0.0/16"]))
    with pytest.raises(guard.Refused):
        asyncio.run(guard.check_url("file:///etc/passwd", ["127.0.0.1"]))
    with pytest.raises(guard.Refused):
        asyncio.run(guard.check_url("http://[::ffff:127.0.0.1]/", []))


def test_missing_env_secret_is_an_error(base_url: str) -> None:
    loaded = _spec(base_url)
    result = asyncio.run(run_all(loaded, "local", names=["items"], options=RunOptions(environ={})))
    assert result[0].status == "error" and "JT_SECRET" in result[0].error


def test_junit_is_valid_against_the_xsd(base_url: str) -> None:
    results = list(_run(_spec(base_url)).values())
    xml = report.junit_xml(results)
    schema = xmlschema.XMLSchema(str(XSD))
    schema.validate(xml)
    assert 'tests="7"' in xml and 'failures="2"' in xml and 'errors="2"' in xml, [
        (r.journey, r.status, r.error[:80]) for r in results
    ]
    assert '"passed": false' in report.as_json(results)


def test_junit_xsd_rejects_garbage() -> None:
    schema = xmlschema.XMLSchema(str(XSD))
    assert not schema.is_valid("<testsuites><testsuite name='x'/></testsuites>")


def test_browser_step_skips_cleanly_without_chromium(base_url: str) -> None:
    text = """journeys:
  - name: shop
    steps:
      - browser: {url: /page, actions: [{fill: {"#q": "x"}}, {click: "#go"}, {wait_for_text: "Thanks x"}]}
"""
    loaded = spec.load_texts(
        [
            (
                "e.yaml",
                f'environments:\n  local: {{base_url: "{base_url}", allowed_hosts: [127.0.0.1]}}\n',
            ),
            ("b.yaml", text),
        ]
    )
    result = asyncio.run(run_all(loaded, "local", options=RunOptions(chromium="/nonexistent")))[0]
    from csops.domains.journeys.browser_step import chromium_path

    if chromium_path("/nonexistent") is None:
        assert result.status == "skipped" or result.steps[0].status == "skipped"
    else:
        assert result.ok, result.error
