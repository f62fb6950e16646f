from __future__ import annotations

import secrets
from typing import Any

from tests.fixtures.journeys.seed import journey_text, seed, spec_text
from tests.web.matrix_plugins import Rows

STAFF_GET = "L L L 200 200 200 200"
EDIT = "L L L ERR ERR 303 303"


def prepare(world: Any) -> None:
    world.ids.update(world.desk.seed(seed))


def _spec(w: Any) -> dict[str, Any]:
    return {"spec_text": spec_text(f"u-{secrets.token_hex(4)}", f"ue-{secrets.token_hex(4)}")}


ROWS = Rows(
    expect={
        ("GET", "/cx"): STAFF_GET,
        ("GET", "/cx/journeys/{journey_id}"): STAFF_GET,
        ("POST", "/cx/journeys/{journey_id}"): EDIT,
        ("POST", "/cx/journeys/{journey_id}/run"): "L L L 303 303 303 303",
        ("POST", "/cx/specs"): EDIT,
        ("GET", "/cx/runs/{journey_run_id}"): STAFF_GET,
        ("GET", "/cx/runs/{journey_run_id}/screenshots/{shot_index}"): "L L L 404 404 404 404",
        ("GET", "/cx/drift"): STAFF_GET,
    },
    bodies={
        ("POST", "/cx/journeys/{journey_id}"): lambda w: {
            "spec_text": journey_text(str(w.ids["journey_name"]))
        },
        ("POST", "/cx/journeys/{journey_id}/run"): lambda w: {"environment": ""},
        ("POST", "/cx/specs"): _spec,
    },
    prepare=prepare,
    fuzz={
        "/cx/journeys/{journey_id}": (
            "admin",
            lambda d: {"spec_text": journey_text(str(d.ids["journey_name"]))},
        ),
        "/cx/journeys/{journey_id}/run": ("admin", lambda d: {"environment": ""}),
        "/cx/specs": ("admin", _spec),
    },
)
