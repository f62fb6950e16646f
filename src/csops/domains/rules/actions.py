"""Pure planning of routing-rule actions: which ticket fields a rule would change.

An action is `{"type": ..., "value": ...}` (notify adds `"target"`: user, team or address,
and `"message"`). `plan()` turns a rule's actions and the ticket's current values into the
field values to set (only real changes) and the notifications to send.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from csops.domains.tickets.models import Priority, Status, TicketType
from csops.errors import Invalid

TYPES = (
    "set_priority",
    "set_type",
    "set_status",
    "assign_team",
    "assign_user",
    "add_tags",
    "remove_tags",
    "set_service",
    "notify",
)
ENUMS: dict[str, tuple[str, type[Any]]] = {
    "set_priority": ("priority", Priority),
    "set_type": ("type", TicketType),
    "set_status": ("status", Status),
}
TARGETS = ("user", "team", "address")


@dataclass
class Plan:
    values: dict[str, Any] = field(default_factory=dict)
    notify: list[dict[str, Any]] = field(default_factory=list)


def _tags(value: Any, index: int) -> list[str]:
    items = value if isinstance(value, list) else str(value or "").split(",")
    tags = [str(t).strip().lower() for t in items if str(t).strip()]
    if not tags or any(len(t) > 50 or " " in t for t in tags):
        raise Invalid(f"action {index}: tags are short words without spaces")
    return tags


def _check_one(item: Mapping[str, Any], index: int) -> dict[str, Any]:
    kind, value = item.get("type"), item.get("value")
    if kind not in TYPES:
        raise Invalid(f"action {index}: unknown action {kind!r}")
    if kind in ENUMS:
        enum_cls = ENUMS[kind][1]
        if value not in {m.value for m in enum_cls}:
            raise Invalid(f"action {index}: {value!r} is not a valid {ENUMS[kind][0]}")
        return {"type": kind, "value": value}
    if kind in ("assign_team", "assign_user"):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise Invalid(f"action {index}: an id is needed")
        return {"type": kind, "value": value}
    if kind in ("add_tags", "remove_tags"):
        return {"type": kind, "value": _tags(value, index)}
    if kind == "set_service":
        if not isinstance(value, str) or not value.strip() or len(value) > 100:
            raise Invalid(f"action {index}: a service slug is needed")
        return {"type": kind, "value": value.strip()}
    target = item.get("target")
    if target not in TARGETS or value in (None, "") or isinstance(value, bool):
        raise Invalid(f"action {index}: notify needs a target (user, team, address) and value")
    message = str(item.get("message") or "")[:2000]
    return {"type": kind, "target": target, "value": value, "message": message}


def validate(actions: Any) -> list[dict[str, Any]]:
    if not isinstance(actions, list) or not actions:
        raise Invalid("a rule needs at least one action")
    if len(actions) > 30:
        raise Invalid("at most 30 actions")
    cleaned = []
    for index, item in enumerate(actions, 1):
        if not isinstance(item, dict):
            raise Invalid(f"action {index} must be an object")
        cleaned.append(_check_one(item, index))
    return cleaned


def plan(actions: Sequence[Mapping[str, Any]], current: Mapping[str, Any]) -> Plan:
    """The changes `actions` make to a ticket whose values are `current`."""
    result = Plan()
    tags = list(current.get("tags") or [])
    for action in actions:
        kind, value = action["type"], action.get("value")
        if kind in ENUMS:
            name = ENUMS[kind][0]
            if str(current.get(name)) != value:
                result.values[name] = value
        elif kind == "assign_team" and current.get("team_id") != value:
            result.values["team_id"] = value
        elif kind == "assign_user" and current.get("assignee_id") != value:
            result.values["assignee_id"] = value
        elif kind == "add_tags":
            tags += [t for t in value or () if t not in tags]
        elif kind == "remove_tags":
            tags = [t for t in tags if t not in (value or ())]
        elif kind == "set_service" and current.get("service") != value:
            result.values["service"] = value
        elif kind == "notify":
            result.notify.append(dict(action))
    if tags != list(current.get("tags") or []):
        result.values["tags"] = tags[:20]
    return result
