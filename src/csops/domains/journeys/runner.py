"""Runs journeys of a spec against one environment, a bounded number at a time.

Each journey gets its own HTTP client (so its cookies carry from step to step and never
leak into another journey) and its own variable scope; the first failing step ends the
journey and the steps after it are reported as skipped. Nothing here touches the
database: the CLI writes files, the worker stores the results through the service.
"""

from __future__ import annotations

import asyncio
import functools
import secrets
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from csops.clock import now
from csops.domains.journeys import guard
from csops.domains.journeys.browser_step import run_browser
from csops.domains.journeys.http_step import HttpContext, run_http
from csops.domains.journeys.mail_step import run_email
from csops.domains.journeys.results import ERROR, FAILED, PASSED, SKIPPED, JourneyResult, StepResult
from csops.domains.journeys.spec import Environment, Journey, Spec, Step
from csops.domains.journeys.variables import MissingVariable, Scope

Listener = Callable[[JourneyResult], None]


@dataclass
class RunOptions:
    concurrency: int = 10
    excerpt_limit: int = 1000
    chromium: str | None = None
    screenshot_dir: Path | None = None
    environ: Mapping[str, str] | None = None
    on_start: Listener | None = None
    on_step: Listener | None = None
    on_done: Listener | None = None
    user_agent: str = "csops-journeys/1"
    extra_variables: dict[str, str] = field(default_factory=dict)


@dataclass
class _Ctx:
    spec: Spec
    env_name: str
    env: Environment
    http: HttpContext
    scope: Scope
    options: RunOptions
    result: JourneyResult


async def _step(ctx: _Ctx, step: Step, index: int, stack: tuple[str, ...], prefix: str) -> bool:
    label = prefix + step.label(index)
    if step.include is not None:
        if step.include in stack:
            ctx.result.steps.append(
                StepResult(
                    label,
                    "include",
                    ERROR,
                    error="include cycle: " + " -> ".join([*stack, step.include]),
                )
            )
            return False
        included = ctx.spec.journeys.get(step.include)
        if included is None:
            ctx.result.steps.append(
                StepResult(label, "include", ERROR, error=f"unknown journey {step.include!r}")
            )
            return False
        return await _steps(ctx, included, (*stack, included.name), f"{included.name}/")
    result = StepResult(label, step.kind)
    ctx.result.steps.append(result)
    started = time.perf_counter()
    try:
        await _dispatch(ctx, step, result)
    except (guard.Refused, MissingVariable, ValueError) as exc:
        result.status, result.error = ERROR, ctx.scope.mask(str(exc))
    except httpx.HTTPError as exc:
        result.status = ERROR
        result.error = ctx.scope.mask(
            f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        )
    except (OSError, TimeoutError) as exc:
        result.status, result.error = ERROR, ctx.scope.mask(f"{type(exc).__name__}: {exc}")
    if not result.duration_ms:
        result.duration_ms = int((time.perf_counter() - started) * 1000)
    if ctx.options.on_step:
        ctx.options.on_step(ctx.result)
    return result.status in (PASSED, SKIPPED)


async def _dispatch(ctx: _Ctx, step: Step, result: StepResult) -> None:
    if step.http is not None:
        await run_http(ctx.http, step, ctx.scope, result)
    elif step.browser is not None:
        await run_browser(
            step.browser,
            ctx.scope,
            result,
            base_url=ctx.env.base_url,
            allowed_hosts=ctx.env.allowed_hosts,
            executable=ctx.options.chromium,
        )
    elif step.email is not None:
        await run_email(step.email, ctx.scope, result)
    else:
        await asyncio.sleep(step.wait or 0)


async def _steps(ctx: _Ctx, journey: Journey, stack: tuple[str, ...], prefix: str) -> bool:
    ctx.scope = ctx.scope.child(journey.variables)
    for index, step in enumerate(journey.steps):
        if not await _step(ctx, step, index, stack, prefix):
            for later_index, later in enumerate(journey.steps[index + 1 :], start=index + 1):
                ctx.result.steps.append(
                    StepResult(prefix + later.label(later_index), later.kind, SKIPPED)
                )
            return False
    return True


def _base_scope(env: Environment, options: RunOptions) -> Scope:
    scope = Scope(environ=options.environ) if options.environ is not None else Scope()
    scope.values["run_id"] = secrets.token_hex(6)
    scope = scope.child(env.variables)
    for key, value in options.extra_variables.items():
        scope.values[key] = value
    return scope


@functools.cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context for every journey: loading the CA bundle costs ~0.1 s of
    blocked event loop, too much to pay per journey."""
    return ssl.create_default_context()


async def run_journey(
    spec: Spec, journey: Journey, env_name: str, options: RunOptions | None = None
) -> JourneyResult:
    options = options or RunOptions()
    env = spec.environments[env_name]
    result = JourneyResult(journey=journey.name, environment=env_name, started_at=now())
    if options.on_start:
        options.on_start(result)
    started = time.perf_counter()
    async with httpx.AsyncClient(
        follow_redirects=False,
        timeout=env.timeout_s,
        headers={"user-agent": options.user_agent},
        verify=_tls(),
    ) as client:
        try:
            scope = _base_scope(env, options)
        except MissingVariable as exc:
            result.status, result.error = ERROR, str(exc)
            scope = None
        if scope is not None:
            http = HttpContext(
                client, env.base_url, env.allowed_hosts, env.timeout_s, options.excerpt_limit
            )
            ctx = _Ctx(spec, env_name, env, http, scope, options, result)
            await _steps(ctx, journey, (journey.name,), "")
    result.duration_ms = int((time.perf_counter() - started) * 1000)
    _settle(result, options)
    if options.on_done:
        options.on_done(result)
    return result


def _settle(result: JourneyResult, options: RunOptions) -> None:
    bad = [s for s in result.steps if s.status in (FAILED, ERROR)]
    if result.error:
        result.status = ERROR
    elif bad:
        result.status = FAILED if bad[0].status == FAILED else ERROR
        result.error = f"{bad[0].name}: {bad[0].error}"
    if options.screenshot_dir is not None:
        for index, step in enumerate(result.steps):
            if step.screenshot:
                options.screenshot_dir.mkdir(parents=True, exist_ok=True)
                safe = "".join(c if c.isalnum() else "-" for c in result.journey)
                path = options.screenshot_dir / f"{safe}-{result.environment}-{index}.png"
                path.write_bytes(step.screenshot)
                step.screenshot_path = str(path)


async def run_all(
    spec: Spec,
    env_name: str,
    *,
    names: list[str] | None = None,
    options: RunOptions | None = None,
) -> list[JourneyResult]:
    """Every journey (or those named), at most `options.concurrency` at once, in spec order."""
    options = options or RunOptions()
    if env_name not in spec.environments:
        raise KeyError(f"no environment named {env_name!r}")
    journeys = [j for j in spec.journeys.values() if names is None or j.name in names]
    gate = asyncio.Semaphore(max(1, options.concurrency))

    async def one(journey: Journey) -> JourneyResult:
        async with gate:
            return await run_journey(spec, journey, env_name, options)

    return list(await asyncio.gather(*(one(j) for j in journeys)))
