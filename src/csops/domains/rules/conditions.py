"""Pure evaluation of routing-rule conditions against a ticket's facts (no database).

A condition is `{"field": ..., "op": ..., "value": ...}`; a rule matches when all (or any)
of its conditions hold. Facts are plain values gathered by the service: strings, numbers,
lists (tags) and `changed` (the fields an update changed). Text comparisons ignore case.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from csops.errors import Invalid

FIELDS = (
    "subject",
    "description",
    "text",  # subject and description together
    "channel",
    "priority",
    "type",
    "status",
    "organization",
    "tier",
    "service",
    "team_id",
    "assignee_id",
    "tags",
    "requester_email",
    "hour",  # the hour of day (UTC) when the rule runs, 0-23
    "weekday",  # 0 Monday .. 6 Sunday
    "changed",  # the fields an update changed
)
OPS = (
    "equals",
    "not_equals",
    "in",
    "not_in",
    "contains",
    "not_contains",
    "starts_with",
    "is_set",
    "is_empty",
    "between",
)


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().casefold()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple | set | frozenset):
        return [_norm(v) for v in value]
    if isinstance(value, str) and "," in value:
        return [_norm(v) for v in value.split(",") if v.strip()]
    return [] if value is None else [_norm(value)]


def _contains(fact: Any, wanted: Any) -> bool:
    if isinstance(fact, list | tuple | set | frozenset):
        return any(_norm(wanted) == _norm(item) for item in fact)
    if fact is None:
        return False
    return str(_norm(wanted)) in str(_norm(fact))


def _equals(fact: Any, wanted: Any) -> bool:
    if isinstance(fact, list | tuple | set | frozenset):
        return sorted(map(str, _as_list(fact))) == sorted(map(str, _as_list(wanted)))
    return bool(_norm(fact) == _norm(wanted))


def _in(fact: Any, wanted: Any) -> bool:
    options = _as_list(wanted)
    if isinstance(fact, list | tuple | set | frozenset):
        return any(_norm(item) in options for item in fact)
    return _norm(fact) in options


def _between(fact: Any, wanted: Any) -> bool:
    low, high = wanted
    if fact is None:
        return False
    number = float(fact)
    if float(low) <= float(high):
        return float(low) <= number < float(high)
    return number >= float(low) or number < float(high)  # wraps midnight: 22..6


def _empty(fact: Any) -> bool:
    return fact is None or fact == "" or fact == [] or fact == ()


CHECKS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": _equals,
    "not_equals": lambda f, w: not _equals(f, w),
    "in": _in,
    "not_in": lambda f, w: not _in(f, w),
    "contains": _contains,
    "not_contains": lambda f, w: not _contains(f, w),
    "starts_with": lambda f, w: f is not None and str(_norm(f)).startswith(str(_norm(w))),
    "is_set": lambda f, _w: not _empty(f),
    "is_empty": lambda f, _w: _empty(f),
    "between": _between,
}


def holds(condition: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    field, op = condition["field"], condition["op"]
    return CHECKS[op](facts.get(field), condition.get("value"))


def matches(match: str, conditions: Sequence[Mapping[str, Any]], facts: Mapping[str, Any]) -> bool:
    """All (or any) conditions hold; a rule without conditions matches every ticket."""
    if not conditions:
        return True
    results = (holds(c, facts) for c in conditions)
    return any(results) if match == "any" else all(results)


def validate(conditions: Any) -> list[dict[str, Any]]:
    """The conditions, checked and normalized; Invalid with the first problem found."""
    if not isinstance(conditions, list):
        raise Invalid("conditions must be a list")
    if len(conditions) > 50:
        raise Invalid("at most 50 conditions")
    cleaned = []
    for index, item in enumerate(conditions, 1):
        if not isinstance(item, dict):
            raise Invalid(f"condition {index} must be an object")
        field, op, value = item.get("field"), item.get("op"), item.get("value")
        if field not in FIELDS:
            raise Invalid(f"condition {index}: unknown field {field!r}")
        if op not in OPS:
            raise Invalid(f"condition {index}: unknown operator {op!r}")
        if op == "between":
            pair = value if isinstance(value, list) and len(value) == 2 else []
            if not pair or not all(isinstance(v, int | float) for v in pair):
                raise Invalid(f"condition {index}: 'between' takes [low, high]")
        elif op not in ("is_set", "is_empty"):
            if not isinstance(value, str | int | float | list) or isinstance(value, bool):
                raise Invalid(f"condition {index}: a value is needed")
            if len(str(value)) > 1000:
                raise Invalid(f"condition {index}: value too long")
        cleaned.append({"field": field, "op": op, "value": value})
    return cleaned
