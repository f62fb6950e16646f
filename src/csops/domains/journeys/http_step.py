"""The `http` step: one request (redirects followed hop by hop through the SSRF guard),
then its assertions and extractions."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any

import httpx
from jsonpath_ng.exceptions import JsonPathParserError
from jsonpath_ng.ext.parser import parse as jsonpath

from csops.domains.journeys import guard
from csops.domains.journeys.redact import excerpt
from csops.domains.journeys.results import FAILED, StepResult
from csops.domains.journeys.spec import Expect, Extract, Step
from csops.domains.journeys.variables import Scope

MAX_REDIRECTS = 10
_UNSET = object()


@dataclass
class HttpContext:
    client: httpx.AsyncClient
    base_url: str
    allowed_hosts: list[str]
    timeout_s: float
    excerpt_limit: int = 1000


def absolute(base_url: str, url: str) -> str:
    if re.match(r"^https?://", url, re.I):
        return url
    return base_url.rstrip("/") + "/" + url.lstrip("/")


async def send(ctx: HttpContext, request: httpx.Request, follow: bool) -> httpx.Response:
    for _hop in range(MAX_REDIRECTS + 1):
        await guard.check_url(str(request.url), ctx.allowed_hosts)
        response = await ctx.client.send(request)
        if not (follow and response.is_redirect and response.next_request is not None):
            return response
        await response.aclose()
        request = response.next_request
    raise guard.Refused(f"more than {MAX_REDIRECTS} redirects")


def _build(ctx: HttpContext, step: Step, scope: Scope) -> tuple[httpx.Request, bool]:
    req = step.http
    if req is None:
        raise ValueError("not an http step")
    kwargs: dict[str, Any] = {
        "headers": scope.resolve(req.headers),
        "timeout": ctx.timeout_s,
    }
    if req.query:
        kwargs["params"] = {k: scope.resolve(v) for k, v in req.query.items()}
    if req.json_body is not None:
        kwargs["json"] = scope.resolve(req.json_body)
    elif req.form is not None:
        kwargs["data"] = scope.resolve(req.form)
    url = absolute(ctx.base_url, scope.text(req.url))
    return ctx.client.build_request(req.method, url, **kwargs), req.follow_redirects


async def run_http(ctx: HttpContext, step: Step, scope: Scope, result: StepResult) -> None:
    request, follow = _build(ctx, step, scope)
    started = time.perf_counter()
    response = await send(ctx, request, follow)
    body = response.text
    result.duration_ms = int((time.perf_counter() - started) * 1000)
    result.http_status = response.status_code
    expect = step.expect
    if expect is not None:
        expect = Expect.model_validate(scope.resolve(expect.model_dump(by_alias=True)))
    problems = check(expect, response, body, result.duration_ms)
    problems += extract(step.extract, response, body, scope)
    result.excerpt = scope.mask(_excerpt(request, response, body, ctx.excerpt_limit))
    if problems:
        result.status = FAILED
        result.error = scope.mask("; ".join(problems))


def _excerpt(request: httpx.Request, response: httpx.Response, body: str, limit: int) -> str:
    head = f"{request.method} {request.url.copy_with(query=None)} -> {response.status_code}\n"
    ctype = response.headers.get("content-type", "")
    return head + f"content-type: {ctype}\n\n" + excerpt(body, limit)


def _json(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return _UNSET


def _first(path: str, data: Any) -> Any:
    if data is _UNSET:
        return _UNSET
    try:
        matches = jsonpath(path).find(data)
    except (JsonPathParserError, Exception) as exc:  # jsonpath-ng raises plain Exceptions too
        raise ValueError(f"bad JSONPath {path!r}: {exc}") from exc
    return matches[0].value if matches else _UNSET


def check(expect: Expect | None, response: httpx.Response, body: str, ms: int) -> list[str]:
    if expect is None:
        return [] if response.status_code < 400 else [f"status {response.status_code}"]
    problems = []
    wanted = expect.status
    if wanted is not None:
        allowed = wanted if isinstance(wanted, list) else [wanted]
        if response.status_code not in allowed:
            problems.append(f"status {response.status_code}, expected {wanted}")
    for name, fragment in expect.headers.items():
        value = response.headers.get(name)
        if value is None or fragment.lower() not in value.lower():
            problems.append(f"header {name}: {value!r} does not contain {fragment!r}")
    problems += _check_json(expect, body)
    texts = expect.body_contains
    for text in [texts] if isinstance(texts, str) else texts or []:
        if text not in body:
            problems.append(f"body does not contain {text!r}")
    if expect.regex and not re.search(expect.regex, body):
        problems.append(f"body does not match /{expect.regex}/")
    if expect.max_ms is not None and ms > expect.max_ms:
        problems.append(f"took {ms} ms, budget {expect.max_ms} ms")
    return problems


def _check_json(expect: Expect, body: str) -> list[str]:
    if not expect.json_values:
        return []
    data = _json(body)
    if data is _UNSET:
        return ["body is not JSON"]
    problems = []
    for path, wanted in expect.json_values.items():
        try:
            got = _first(path, data)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if got is _UNSET:
            problems.append(f"{path}: no match")
        elif got != wanted:
            problems.append(f"{path}: {got!r}, expected {wanted!r}")
    return problems


def extract(
    rules: dict[str, Extract], response: httpx.Response, body: str, scope: Scope
) -> list[str]:
    problems = []
    data = _json(body) if any(r.jsonpath for r in rules.values()) else _UNSET
    for name, rule in rules.items():
        value: Any = _UNSET
        if rule.jsonpath:
            try:
                value = _first(rule.jsonpath, data)
            except ValueError as exc:
                problems.append(str(exc))
                continue
        elif rule.regex:
            match = re.search(rule.regex, body)
            if match:
                value = match.group(1) if match.groups() else match.group(0)
        elif rule.header:
            value = response.headers.get(rule.header, _UNSET)
        if value is _UNSET or value is None:
            problems.append(f"could not extract {name!r}")
        else:
            scope.values[name] = value if isinstance(value, str) else json.dumps(value)
    return problems
