"""What every command shares: consoles, settings and engine, and the one error -> exit map.

Commands wrap their body in `@cli_command`: a `csops.errors` error, a validation error or
an unreachable database becomes one red line on stderr and a non-zero exit code, never a
traceback. The codes are listed in `EXIT_CODES` (and in `csops --help`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from csops import errors
from csops.config import Settings, get_settings
from csops.db import make_engine
from csops.schema import ensure_current

P = ParamSpec("P")
R = TypeVar("R")

EXIT_FAILED = 1  # a command ran but did not do all it was asked (e.g. rows failed to import)
EXIT_INVALID = 2  # bad input, or a database schema this csops cannot run on
EXIT_CONFLICT = 3
EXIT_NOT_FOUND = 4
EXIT_DENIED = 5
EXIT_DATABASE = 6  # the database cannot be reached or refused the statement
EXIT_INTERRUPTED = 130

EXIT_CODES: dict[type[errors.CsopsError], int] = {
    errors.Invalid: EXIT_INVALID,
    errors.Conflict: EXIT_CONFLICT,
    errors.PreconditionFailed: EXIT_CONFLICT,
    errors.NotFound: EXIT_NOT_FOUND,
    errors.PermissionDenied: EXIT_DENIED,
    errors.Unauthenticated: EXIT_DENIED,
    errors.RateLimited: EXIT_DENIED,
}

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class CliError(Exception):
    """An error the CLI itself raises, with the exit code it should end with."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def describe_validation(exc: ValidationError) -> str:
    """One line per problem: `field: message`."""
    parts = []
    for item in exc.errors():
        where = ".".join(str(p) for p in item["loc"]) or "value"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def explain(exc: BaseException) -> tuple[str, int] | None:
    """The message and exit code for an error the CLI reports without a traceback."""
    if isinstance(exc, CliError):
        return exc.message, exc.code
    if isinstance(exc, errors.CsopsError):
        for cls in type(exc).__mro__:
            if cls in EXIT_CODES:
                return exc.detail, EXIT_CODES[cls]
        return exc.detail, EXIT_FAILED
    if isinstance(exc, ValidationError):
        return describe_validation(exc), EXIT_INVALID
    if isinstance(exc, OperationalError):
        return f"database error: {str(exc.orig).strip() or exc}", EXIT_DATABASE
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {str(exc).splitlines()[0]}", EXIT_DATABASE
    return None


def fail(message: str, code: int) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code)


def cli_command(fn: Callable[P, R]) -> Callable[P, R]:
    """Maps every expected error to a red message on stderr and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except KeyboardInterrupt:
            raise fail("interrupted", EXIT_INTERRUPTED) from None
        except Exception as exc:
            explained = explain(exc)
            if explained is None:
                raise
            raise fail(*explained) from None

    return wrapper


def load_settings() -> Settings:
    """Settings as the environment says now (a test may change it between invocations)."""
    get_settings.cache_clear()
    return get_settings()


def open_engine(settings: Settings | None = None) -> Engine:
    settings = settings or load_settings()
    if settings.is_sqlite and not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(settings.resolved_database_url, pool_size=settings.db_pool_size)


def check_schema(engine: Engine) -> None:
    """Refuse to run on a database whose schema is not the one this csops expects."""
    try:
        ensure_current(engine)
    except errors.Conflict as exc:
        raise CliError(exc.detail, EXIT_INVALID) from None


def database_label(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
