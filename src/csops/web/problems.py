"""RFC 9457 problem+json responses, and the mapping from domain errors to HTTP."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from csops import errors

log = logging.getLogger("csops.web")

STATUS_FOR: dict[type[errors.CsopsError], int] = {
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.PreconditionFailed: 412,
    errors.PermissionDenied: 403,
    errors.Unauthenticated: 401,
    errors.Invalid: 422,
    errors.RateLimited: 429,
}
TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    411: "Length required",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
}


def problem(status: int, detail: str, *, code: str | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://csops.dev/problems/{code or status}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get(
        "accept", ""
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(p) for p in err.get("loc", ())],
            "msg": str(err.get("msg", "")),
            "type": err.get("type"),
        }
        for err in exc.errors()[:50]
    ]


def install(app: FastAPI, html_error: Any = None) -> None:
    """Registers handlers; html_error(request, status, detail) renders pages for browsers."""

    async def domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, errors.CsopsError)  # noqa: S101
        status = next((s for cls, s in STATUS_FOR.items() if isinstance(exc, cls)), 400)
        if html_error is not None and _wants_html(request):
            return html_error(request, status, exc.detail)  # type: ignore[no-any-return]
        return problem(status, exc.detail, code=exc.code, **exc.extra)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)  # noqa: S101
        details = _validation_errors(exc)
        if html_error is not None and _wants_html(request):
            return html_error(request, 422, "; ".join(d["msg"] for d in details[:3]))  # type: ignore[no-any-return]
        return problem(422, "the request is not valid", code="validation", errors=details)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)  # noqa: S101
        if html_error is not None and _wants_html(request):
            return html_error(request, exc.status_code, str(exc.detail))  # type: ignore[no-any-return]
        response = problem(exc.status_code, str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "something went wrong on our side; the error was logged")

    async def unstorable(request: Request, exc: Exception) -> Response:
        detail = "a value is out of range, or holds a character that cannot be stored (such as NUL)"
        if html_error is not None and _wants_html(request):
            return html_error(request, 422, detail)  # type: ignore[no-any-return]
        return problem(422, detail, code="unstorable")

    async def concurrent_change(request: Request, exc: Exception) -> Response:
        detail = "someone changed this at the same moment; reload and try again"
        if html_error is not None and _wants_html(request):
            return html_error(request, 409, detail)  # type: ignore[no-any-return]
        return problem(409, detail, code="conflict")

    app.add_exception_handler(Exception, internal_error)
    app.add_exception_handler(DataError, unstorable)
    app.add_exception_handler(OverflowError, unstorable)
    app.add_exception_handler(StaleDataError, concurrent_change)
    app.add_exception_handler(errors.CsopsError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
