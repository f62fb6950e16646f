"""API matrix rows of the status page: public reads, admin-only components."""

from __future__ import annotations

from typing import Any

from tests.web.api.conftest import uniq
from tests.web.matrix_plugins import Rows

S = "/api/v1/status"
PUBLIC = "200 200 200 200 200 200 200"


def fresh_component(w: Any) -> int:
    made = w.clients["admin"].post(S + "/components", json={"name": uniq("Comp ")})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


ROWS = Rows(
    expect={
        ("GET", S + "/summary.json"): PUBLIC,
        ("GET", S + "/feed.atom"): PUBLIC,
        ("GET", S + "/badge.svg"): PUBLIC,
        ("GET", S + "/components"): "401 404 404 200 200 200 200",
        ("POST", S + "/components"): "401 404 404 403 403 403 201",
        ("DELETE", S + "/components/{component_id}"): "401 404 404 403 403 403 204",
        ("GET", S + "/subscribers"): "401 404 404 403 403 403 200",
    },
    bodies={("POST", S + "/components"): lambda w: {"name": uniq("Comp ")}},
    fresh={"component_id": fresh_component},
)
