"""The `browser` step: headless Chromium through Playwright (the optional extra
`csops[browser]`). Skipped, not failed, when Playwright or the browser is missing.
Every request the page makes passes the SSRF guard; a failure keeps a screenshot."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from csops.domains.journeys import guard
from csops.domains.journeys.http_step import absolute
from csops.domains.journeys.results import FAILED, SKIPPED, StepResult
from csops.domains.journeys.spec import BrowserAction, BrowserStep
from csops.domains.journeys.variables import Scope

# Root in a container has no user namespaces for Chromium's sandbox.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def chromium_path(configured: str | None = None) -> str | None:
    for candidate in (configured, *CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def available(configured: str | None = None) -> str | None:
    """Why browser steps cannot run here, or None when they can."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install 'csops[browser]')"
    if chromium_path(configured) is None:
        return "no Chromium executable found"
    return None


async def _act(page: Any, action: BrowserAction, base_url: str, scope: Scope, ms: float) -> None:
    if action.goto is not None:
        await page.goto(absolute(base_url, scope.text(action.goto)), timeout=ms)
    elif action.fill is not None:
        for selector, value in action.fill.items():
            await page.fill(selector, scope.text(value), timeout=ms)
    elif action.click is not None:
        await page.click(action.click, timeout=ms)
    elif action.wait_for_text is not None:
        await page.get_by_text(scope.text(action.wait_for_text)).first.wait_for(timeout=ms)
    elif action.expect_text is not None:
        text = scope.text(action.expect_text)
        if text not in await page.content():
            raise AssertionError(f"page does not contain {text!r}")
    elif action.expect_url is not None and scope.text(action.expect_url) not in page.url:
        raise AssertionError(f"page URL {page.url} does not contain {action.expect_url!r}")


async def _guarded(route: Any, allowed: list[str]) -> None:
    try:
        await guard.check_url(route.request.url, allowed)
    except guard.Refused:
        await route.abort("blockedbyclient")
        return
    await route.continue_()


async def run_browser(
    step: BrowserStep,
    scope: Scope,
    result: StepResult,
    *,
    base_url: str,
    allowed_hosts: list[str],
    executable: str | None,
) -> None:
    reason = available(executable)
    if reason:
        result.status, result.error = SKIPPED, reason
        return
    from playwright.async_api import async_playwright

    started = time.perf_counter()
    ms = step.timeout_s * 1000
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=chromium_path(executable), headless=True, args=ARGS
        )
        try:
            page = await browser.new_page()
            await page.route("**/*", lambda route: _guarded(route, allowed_hosts))
            try:
                url = absolute(base_url, scope.text(step.url))
                await guard.check_url(url, allowed_hosts)
                await page.goto(url, timeout=ms)
                for action in step.actions:
                    await _act(page, action, base_url, scope, ms)
            except Exception as exc:  # any Playwright or assertion failure fails the step
                result.status = FAILED
                result.error = scope.mask(str(exc).splitlines()[0] if str(exc) else repr(exc))
                result.screenshot = await page.screenshot(full_page=True)
        finally:
            await browser.close()
    result.duration_ms = int((time.perf_counter() - started) * 1000)
