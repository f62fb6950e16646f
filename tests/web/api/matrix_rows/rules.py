"""API matrix rows: staff read routing rules; only admins change or preview them. The
matrix's rules are inactive, so they never touch the other rows' tickets."""

from __future__ import annotations

import secrets
from typing import Any

from tests.web.matrix_plugins import Rows

R = "/api/v1/rules"
READ = "401 404 404 200 200 200 200"
WRITE = "401 404 404 403 403 403 {}"


def rule_body() -> dict[str, Any]:
    return {
        "name": f"Matrix rule {secrets.token_hex(5)}",
        "is_active": False,
        "conditions": [{"field": "subject", "op": "contains", "value": "matrix"}],
        "actions": [{"type": "add_tags", "value": ["matrix"]}],
    }


def fresh_rule(world: Any) -> int:
    response = world.clients["admin"].post(R, json=rule_body())
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def prepare(world: Any) -> None:
    world.ids["rule_id"] = fresh_rule(world)


ROWS = Rows(
    expect={
        ("GET", R): READ,
        ("POST", R): WRITE.format(201),
        ("GET", R + "/{rule_id}"): READ,
        ("PATCH", R + "/{rule_id}"): WRITE.format(200),
        ("DELETE", R + "/{rule_id}"): WRITE.format(204),
        ("POST", R + "/preview"): WRITE.format(200),
    },
    bodies={
        ("POST", R): lambda w: rule_body(),
        ("PATCH", R + "/{rule_id}"): lambda w: {"stop_processing": True},
        ("POST", R + "/preview"): lambda w: {"rule": rule_body(), "limit": 5},
    },
    prepare=prepare,
    fresh={"rule_id": fresh_rule},
)
