"""Per-source field mapping of inbound webhook payloads, pure functions.

A mapping names where each ticket field is in the payload, as a JSON pointer ("/a/b/0")
or a dotted path ("a.b.0"); "=text" gives a constant. Fields: subject, description,
requester_email, requester_name, priority, tags, service, external_id. A subject and a
requester email are required (a source may give a constant for either).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from csops.domains.tickets.models import Priority
from csops.errors import Invalid

FIELDS = (
    "subject",
    "description",
    "requester_email",
    "requester_name",
    "priority",
    "tags",
    "service",
    "external_id",
)
REQUIRED = ("subject", "requester_email")
PRIORITY_WORDS = {
    "critical": "urgent",
    "p1": "urgent",
    "p2": "high",
    "error": "high",
    "warning": "normal",
    "p3": "normal",
    "info": "low",
    "p4": "low",
}


def _steps(path: str) -> list[str]:
    if path.startswith("/"):
        return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]
    return [p for p in path.split(".") if p]


def lookup(payload: Any, path: str) -> Any:
    """The value at `path` in `payload`, or None when any step is missing."""
    if path.startswith("="):
        return path[1:]
    node = payload
    for step in _steps(path):
        if isinstance(node, Mapping):
            node = node.get(step)
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            return None
    return node


def validate(mapping: Any) -> dict[str, str]:
    if not isinstance(mapping, dict):
        raise Invalid("the mapping must be an object of field -> path")
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise Invalid(f"unknown mapping fields: {', '.join(map(str, unknown))}")
    cleaned = {}
    for name, path in mapping.items():
        if not isinstance(path, str) or not path.strip() or len(path) > 300:
            raise Invalid(f"the path of {name} must be a short text")
        cleaned[name] = path.strip()
    return cleaned


def _text(value: Any, limit: int) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()[:limit]


def _priority(value: Any) -> str:
    word = _text(value, 20).lower()
    if word in {p.value for p in Priority}:
        return word
    return PRIORITY_WORDS.get(word, "normal")


def _tags(value: Any) -> list[str]:
    items = value if isinstance(value, list) else _text(value, 500).split(",")
    tags = []
    for item in items:
        tag = "".join(c for c in _text(item, 50).lower() if c.isalnum() or c in "_.:-")
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:20]


def apply(mapping: Mapping[str, str], payload: Any) -> dict[str, Any]:
    """The ticket fields found in `payload`; Invalid naming what is missing."""
    found = {name: lookup(payload, path) for name, path in mapping.items()}
    missing = [name for name in REQUIRED if not _text(found.get(name), 320)]
    if missing:
        raise Invalid(f"the payload has no {' or '.join(missing)} where the mapping looks")
    subject = _text(found["subject"], 250)
    return {
        "subject": subject,
        "description": _text(found.get("description"), 100_000) or subject,
        "requester_email": _text(found["requester_email"], 320),
        "requester_name": _text(found.get("requester_name"), 200) or None,
        "priority": _priority(found.get("priority")),
        "tags": _tags(found.get("tags")),
        "service": _text(found.get("service"), 100) or None,
        "external_id": _text(found.get("external_id"), 200) or None,
    }
