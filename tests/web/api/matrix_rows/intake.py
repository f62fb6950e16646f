"""API matrix rows: webhook sources are admin-only; the delivery endpoint is public but
refuses anything unsigned (401 for every caller)."""

from __future__ import annotations

import secrets
from typing import Any

from tests.web.matrix_plugins import Rows

S = "/api/v1/intake/sources"
ADMIN = "401 404 404 403 403 403 {}"


def prepare(world: Any) -> None:
    response = world.clients["admin"].post(
        S, json={"slug": f"matrix-{secrets.token_hex(4)}", "name": "Matrix source"}
    )
    assert response.status_code == 201, response.text
    world.ids["source_id"] = response.json()["id"]
    world.ids["source_slug"] = response.json()["slug"]


ROWS = Rows(
    expect={
        ("GET", S): ADMIN.format(200),
        ("POST", S): ADMIN.format(201),
        ("GET", S + "/{source_id}"): ADMIN.format(200),
        ("PATCH", S + "/{source_id}"): ADMIN.format(200),
        ("POST", S + "/{source_id}/rotate"): ADMIN.format(200),
        ("GET", S + "/{source_id}/deliveries"): ADMIN.format(200),
        ("POST", "/api/v1/intake/webhooks/{source_slug}"): " ".join(["401"] * 7),
    },
    bodies={
        ("POST", S): lambda w: {"slug": f"m-{secrets.token_hex(5)}", "name": "Matrix"},
        ("PATCH", S + "/{source_id}"): lambda w: {"name": "Matrix source"},
        ("POST", "/api/v1/intake/webhooks/{source_slug}"): lambda w: {"subject": "unsigned"},
    },
    prepare=prepare,
)
