from __future__ import annotations

import secrets
from typing import Any

from tests.fixtures.journeys.seed import seed, spec_text
from tests.web.matrix_plugins import Rows

J = "/api/v1/journeys"
READ = "401 404 404 200 200 200 200"


def prepare(world: Any) -> None:
    world.ids.update(world.desk.seed(seed))


def _deployment(w: Any) -> dict[str, Any]:
    return {
        "environment": w.ids["journey_env"],
        "version": "v1",
        "results": [
            {
                "journey": w.ids["journey_name"],
                "environment": w.ids["journey_env"],
                "started_at": "2026-01-01T00:00:00Z",
                "status": "passed",
                "duration_ms": 12,
                "steps": [{"name": "GET /", "kind": "http", "status": "passed", "duration_ms": 12}],
            }
        ],
    }


ROWS = Rows(
    expect={
        ("GET", J + "/schema"): "200 200 200 200 200 200 200",
        ("GET", J): READ,
        ("POST", J + "/specs"): "401 404 404 403 403 200 200",
        ("GET", J + "/environments"): READ,
        ("GET", J + "/slo"): READ,
        ("GET", J + "/runs/{journey_run_id}"): READ,
        ("GET", J + "/drift"): READ,
        ("POST", J + "/environments/{journey_env}/snapshots"): "401 404 404 201 201 201 201",
        ("POST", J + "/deployments"): "401 404 404 201 201 201 201",
        ("GET", J + "/{journey_id}"): READ,
        ("GET", J + "/{journey_id}/runs"): READ,
        ("POST", J + "/{journey_id}/run"): "401 404 404 202 202 202 202",
    },
    bodies={
        ("POST", J + "/specs"): lambda w: {
            "text": spec_text(f"m-{secrets.token_hex(4)}", f"e-{secrets.token_hex(4)}")
        },
        ("POST", J + "/environments/{journey_env}/snapshots"): lambda w: {
            "probe": "config",
            "data": {"version": "1", "flags": {"a": True}},
        },
        ("POST", J + "/deployments"): _deployment,
        ("POST", J + "/{journey_id}/run"): lambda w: {},
    },
    prepare=prepare,
)
