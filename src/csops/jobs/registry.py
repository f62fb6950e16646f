"""Job kinds and their handlers.

A handler is `handler(session, payload) -> None`. The runtime opens the transaction
(`session_scope`) and marks the job succeeded in that same transaction, so a handler's
database writes and the job's completion commit together or not at all. Handlers must be
idempotent: a job whose worker died mid-run is run again by another worker. Payloads hold
IDs and small values, never objects (DESIGN.md, convention 4).

Handlers live in `csops/jobs/maintenance.py` and in each domain's `jobs.py`;
`autodiscover()` imports them all, so a worker knows every kind.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

Handler = Callable[[Session, dict[str, Any]], None]

_HANDLERS: dict[str, Handler] = {}

BUILTIN_MODULES = ("csops.jobs.maintenance",)


def job(kind: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of `kind`."""

    def register(handler: Handler) -> Handler:
        existing = _HANDLERS.get(kind)
        if existing is not None and existing is not handler:
            same = (existing.__module__, existing.__qualname__) == (
                handler.__module__,
                handler.__qualname__,
            )
            if not same:
                raise ValueError(f"job kind {kind!r} is already registered")
        _HANDLERS[kind] = handler
        return handler

    return register


def get_handler(kind: str) -> Handler | None:
    """The handler of `kind`, or None when no module registered it."""
    return _HANDLERS.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)


def autodiscover() -> None:
    """Import the built-in job modules and every `csops.domains.<name>.jobs` module."""
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    domains = importlib.import_module("csops.domains")
    for info in pkgutil.iter_modules(domains.__path__):
        name = f"csops.domains.{info.name}.jobs"
        if info.ispkg and importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
