"""Logging set-up: plain text or JSON lines, with secrets and bodies redacted.

``configure_logging("json", "INFO")`` installs one stderr handler on the root logger. Every
record passes ``RedactingFilter`` first: values under keys such as ``password``, ``token``,
``authorization``, ``cookie``, ``body``, ``description`` or ``secret`` (in ``extra=`` fields,
nested dicts and dict-style args) become ``"[redacted]"``, and ``password=...``,
``token=...`` or ``Bearer ...`` inside the message text itself are masked too. So a caller
that logs ``extra={"body": msg.body}`` by mistake still never writes the body out.

For uvicorn to go through the same handler, run it with ``log_config=None``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Mapping
from typing import Any, Literal

__all__ = [
    "REDACTED",
    "JsonFormatter",
    "RedactingFilter",
    "TextFormatter",
    "configure_logging",
    "redact",
]

REDACTED = "[redacted]"
SENSITIVE_KEYS = (
    "password",
    "passwd",
    "token",
    "authorization",
    "cookie",
    "body",
    "description",
    "secret",
    "api_key",
    "apikey",
    "csrf",
)
_TEXT_PATTERNS = (
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(
        r"(?i)\b([\w-]*(?:password|passwd|token|secret|authorization|api_key|cookie)[\w-]*)"
        r"(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s&,;]+)"
    ),
)

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRS = frozenset(
    logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None).__dict__
) | {"message", "asctime", "taskName", "color_message"}  # uvicorn's ANSI copy of msg

_HANDLER_MARK = "_csops_handler"


def is_sensitive(key: str) -> bool:
    k = key.lower()
    return any(word in k for word in SENSITIVE_KEYS)


def redact(value: Any, key: str | None = None, _depth: int = 0) -> Any:
    """A copy of ``value`` with sensitive keys masked (recursing into dicts and lists)."""
    if key is not None and is_sensitive(key):
        return REDACTED
    if _depth > 8:
        return "..."
    if isinstance(value, Mapping):
        return {str(k): redact(v, str(k), _depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(v, None, _depth + 1) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def redact_text(text: str) -> str:
    """Mask ``Bearer xyz``, ``password=xyz``, ``?token=xyz`` inside free text."""
    text = _TEXT_PATTERNS[0].sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    return _TEXT_PATTERNS[1].sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The ``extra=`` fields of a record."""
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD_ATTRS}


class RedactingFilter(logging.Filter):
    """Rewrites each record in place so no handler can see a secret or a body."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in extra_fields(record).items():
            setattr(record, key, redact(value, key))
        try:
            message = record.getMessage()
        except Exception:  # a broken %-format must not kill logging
            message = str(record.msg)
        if record.args:
            record.msg, record.args = redact_text(message), None
        elif isinstance(record.msg, str):
            record.msg = redact_text(record.msg)
        return True


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp, level, logger, message, extra fields, exc."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "timestamp": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in extra_fields(record).items():
            payload.setdefault(key, _jsonable(value))
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack"] = self.formatStack(record.stack_info)
        return json.dumps(payload, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """``2025-01-02T03:04:05Z INFO csops.web: message key=value ...``"""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        stamp = dt.datetime.fromtimestamp(record.created, dt.UTC)
        return stamp.strftime(datefmt or "%Y-%m-%dT%H:%M:%S") + "Z"

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = extra_fields(record)
        if extras:
            line += " " + " ".join(f"{k}={_jsonable(v)!r}" for k, v in sorted(extras.items()))
        return line


def configure_logging(
    fmt: Literal["text", "json"] | str = "text", level: int | str = "INFO"
) -> logging.Handler:
    """Install (or replace) csops's stderr handler on the root logger; returns it."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uv = logging.getLogger(name)
        uv.handlers.clear()
        uv.propagate = True
    # Chatty libraries: their INFO lines (one per migration step, one per test request)
    # say nothing an operator needs.
    for name in ("alembic", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler
