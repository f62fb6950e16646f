"""A browser journey in headless Chromium (Playwright) against a real local app."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from csops.domains.journeys import spec
from csops.domains.journeys.browser_step import chromium_path
from csops.domains.journeys.runner import RunOptions, run_all
from tests.fixtures.journeys.app import serve

pytestmark = pytest.mark.e2e
CHROMIUM = os.environ.get("CSOPS_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    if chromium_path(CHROMIUM) is None:
        if os.environ.get("CSOPS_TEST_E2E") == "required":
            pytest.fail(f"Chromium is required but {CHROMIUM} is missing")
        pytest.skip("Chromium not found")
    with serve() as url:
        yield url


def _spec(url: str, final: str) -> spec.Spec:
    text = f"""environments:
  local: {{base_url: "{url}", allowed_hosts: [127.0.0.1]}}
journeys:
  - name: search
    steps:
      - browser:
          url: /page
          timeout_s: 10
          actions:
            - fill: {{"#q": "socks"}}
            - click: "#go"
            - wait_for_text: "Thanks socks"
            - expect_url: /thanks
            - expect_text: "{final}"
"""
    loaded = spec.load_texts([("b.yaml", text)])
    assert loaded.errors == []
    return loaded


def test_browser_journey_passes(base_url: str) -> None:
    result = asyncio.run(
        run_all(_spec(base_url, "Thanks socks"), "local", options=RunOptions(chromium=CHROMIUM))
    )[0]
    assert result.ok, result.error
    assert result.steps[0].kind == "browser" and result.steps[0].duration_ms > 0


def test_failure_keeps_a_screenshot(base_url: str, tmp_path: Path) -> None:
    options = RunOptions(chromium=CHROMIUM, screenshot_dir=tmp_path)
    result = asyncio.run(run_all(_spec(base_url, "Sold out"), "local", options=options))[0]
    assert result.status == "failed" and "Sold out" in result.error
    shot = result.steps[0].screenshot_path
    assert shot and Path(shot).read_bytes().startswith(b"\x89PNG")


def test_private_hosts_are_blocked_in_the_browser(base_url: str) -> None:
    text = f"""environments:
  local: {{base_url: "{base_url}"}}
journeys:
  - name: blocked
    steps:
      - browser: {{url: /page}}
"""
    loaded = spec.load_texts([("c.yaml", text)])
    result = asyncio.run(run_all(loaded, "local", options=RunOptions(chromium=CHROMIUM)))[0]
    assert result.status in ("failed", "error") and "allowed_hosts" in result.error
