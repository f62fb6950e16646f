"""UI matrix rows of routing rules (admin pages), with fuzz bases for every form. The
rules made here are inactive, so they never change the other rows' tickets."""

from __future__ import annotations

import json
import secrets
from typing import Any

from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.rules import service
from csops.domains.rules.schemas import RuleIn
from tests.web.matrix_plugins import Rows

ADMIN_GET = "L L L 403 403 403 200"
ADMIN_POST = "L L L 403 403 403 303"
R = "/admin/rules"


def fresh_rule(world: Any) -> int:
    def make(session: Session) -> int:
        data = RuleIn.model_validate(
            {
                "name": f"UI rule {secrets.token_hex(5)}",
                "is_active": False,
                "actions": [{"type": "add_tags", "value": ["ui"]}],
            }
        )
        return service.create_rule(session, data=data, actor=Actor.system()).id

    return int(world.desk.seed(make))


def prepare(world: Any) -> None:
    world.ids["rule_id"] = fresh_rule(world)


def rule_form(_w: Any) -> dict[str, Any]:
    return {
        "name": f"Form rule {secrets.token_hex(5)}",
        "match": "all",
        "conditions": json.dumps([{"field": "subject", "op": "contains", "value": "x"}]),
        "actions": json.dumps([{"type": "add_tags", "value": ["x"]}]),
        "position": "5",
        "on_create": "on",
    }


ROWS = Rows(
    expect={
        ("GET", R): ADMIN_GET,
        ("POST", R): ADMIN_POST,
        ("GET", R + "/{rule_id}"): ADMIN_GET,
        ("POST", R + "/{rule_id}"): ADMIN_POST,
        ("POST", R + "/{rule_id}/delete"): ADMIN_POST,
        ("POST", R + "/{rule_id}/preview"): ADMIN_GET,
    },
    bodies={
        ("POST", R): rule_form,
        ("POST", R + "/{rule_id}"): rule_form,
        ("POST", R + "/{rule_id}/preview"): lambda w: {"limit": "10"},
    },
    prepare=prepare,
    fresh={"rule_id": fresh_rule},
    fuzz={
        R: ("admin", rule_form),
        R + "/{rule_id}": ("admin", rule_form),
        R + "/{rule_id}/delete": ("admin", lambda d: {}),
        R + "/{rule_id}/preview": ("admin", lambda d: {"limit": "5"}),
    },
)
