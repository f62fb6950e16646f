"""Reports routes in the API route x role matrix."""

from __future__ import annotations

from typing import Any

from tests.web.matrix_plugins import Rows

R = "/api/v1/reports"
READ = "401 404 404 200 200 200 200"


def prepare(world: Any) -> None:
    made = world.clients["admin"].post(R + "/archive", json={"kind": "daily"})
    assert made.status_code == 201, made.text
    world.ids["report_id"] = made.json()["id"]


ROWS = Rows(
    expect={
        ("GET", R + "/kpis"): READ,
        ("GET", R + "/archive"): READ,
        ("POST", R + "/archive"): "401 404 404 403 403 201 201",
        ("GET", R + "/archive/{report_id}"): READ,
        ("GET", R + "/archive/{report_id}/pdf"): READ,
        ("GET", R + "/forecast"): READ,
    },
    bodies={("POST", R + "/archive"): lambda w: {"kind": "daily", "period": "2026-11-20"}},
    prepare=prepare,
)
