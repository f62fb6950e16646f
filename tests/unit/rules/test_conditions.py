from __future__ import annotations

from typing import Any

import pytest

from csops.domains.rules import actions, conditions
from csops.errors import Invalid

FACTS: dict[str, Any] = {
    "subject": "Refund for order 42",
    "description": "I want my money back",
    "text": "Refund for order 42\nI want my money back",
    "channel": "email",
    "priority": "normal",
    "type": "question",
    "tier": "enterprise",
    "organization": "Acme",
    "tags": ["billing", "vip"],
    "service": None,
    "team_id": None,
    "hour": 23,
    "weekday": 5,
    "changed": ["priority"],
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"field": "subject", "op": "contains", "value": "REFUND"}, True),
        ({"field": "subject", "op": "contains", "value": "invoice"}, False),
        ({"field": "text", "op": "contains", "value": "money back"}, True),
        ({"field": "tier", "op": "equals", "value": "Enterprise"}, True),
        ({"field": "tier", "op": "not_equals", "value": "enterprise"}, False),
        ({"field": "priority", "op": "in", "value": ["high", "urgent"]}, False),
        ({"field": "priority", "op": "in", "value": "low,normal"}, True),
        ({"field": "priority", "op": "not_in", "value": ["high"]}, True),
        ({"field": "tags", "op": "contains", "value": "vip"}, True),
        ({"field": "tags", "op": "contains", "value": "vi"}, False),
        ({"field": "tags", "op": "in", "value": ["billing", "x"]}, True),
        ({"field": "tags", "op": "not_contains", "value": "spam"}, True),
        ({"field": "service", "op": "is_empty"}, True),
        ({"field": "organization", "op": "is_set"}, True),
        ({"field": "subject", "op": "starts_with", "value": "refund"}, True),
        ({"field": "hour", "op": "between", "value": [22, 6]}, True),
        ({"field": "hour", "op": "between", "value": [9, 17]}, False),
        ({"field": "weekday", "op": "in", "value": [5, 6]}, True),
        ({"field": "changed", "op": "contains", "value": "priority"}, True),
        ({"field": "team_id", "op": "equals", "value": 3}, False),
    ],
)
def test_one_condition(condition: dict[str, Any], expected: bool) -> None:
    assert conditions.holds(condition, FACTS) is expected


def test_all_and_any() -> None:
    yes = {"field": "tier", "op": "equals", "value": "enterprise"}
    no = {"field": "channel", "op": "equals", "value": "chat"}
    assert conditions.matches("all", [yes, yes], FACTS)
    assert not conditions.matches("all", [yes, no], FACTS)
    assert conditions.matches("any", [yes, no], FACTS)
    assert not conditions.matches("any", [no, no], FACTS)
    assert conditions.matches("all", [], FACTS)


@pytest.mark.parametrize(
    "bad",
    [
        "not a list",
        [1],
        [{"field": "nope", "op": "equals", "value": 1}],
        [{"field": "tier", "op": "resembles", "value": 1}],
        [{"field": "tier", "op": "equals"}],
        [{"field": "hour", "op": "between", "value": [1]}],
        [{"field": "tier", "op": "equals", "value": True}],
    ],
)
def test_invalid_conditions_are_refused(bad: Any) -> None:
    with pytest.raises(Invalid):
        conditions.validate(bad)


def test_plan_changes_only_what_differs() -> None:
    current = {"priority": "normal", "type": "question", "team_id": 4, "tags": ["a"]}
    rule = actions.validate(
        [
            {"type": "set_priority", "value": "high"},
            {"type": "set_type", "value": "question"},
            {"type": "assign_team", "value": 4},
            {"type": "add_tags", "value": ["b", "a"]},
            {"type": "remove_tags", "value": "a"},
            {"type": "notify", "target": "address", "value": "ops@x.example", "message": "hi"},
        ]
    )
    planned = actions.plan(rule, current)
    assert planned.values == {"priority": "high", "tags": ["b"]}
    assert planned.notify[0]["value"] == "ops@x.example"


@pytest.mark.parametrize(
    "bad",
    [
        [],
        [{"type": "explode"}],
        [{"type": "set_priority", "value": "asap"}],
        [{"type": "assign_team", "value": "three"}],
        [{"type": "add_tags", "value": ["has space"]}],
        [{"type": "notify", "target": "pigeon", "value": "x"}],
        [{"type": "set_service", "value": ""}],
    ],
)
def test_invalid_actions_are_refused(bad: Any) -> None:
    with pytest.raises(Invalid):
        actions.validate(bad)
