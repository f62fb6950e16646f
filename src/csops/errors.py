"""Domain errors. No HTTP here: web/ maps them to problem+json, cli/ to exit codes."""

from __future__ import annotations

from typing import Any


class CsopsError(Exception):
    """Base of every error a service may raise on purpose."""

    code = "error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(CsopsError):
    code = "not-found"


class Conflict(CsopsError):
    code = "conflict"


class PreconditionFailed(CsopsError):
    code = "precondition-failed"


class PermissionDenied(CsopsError):
    code = "permission-denied"


class Unauthenticated(CsopsError):
    code = "unauthenticated"


class Invalid(CsopsError):
    code = "invalid"


class RateLimited(CsopsError):
    code = "rate-limited"
