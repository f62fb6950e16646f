"""Maturity routes in the API route x role matrix."""

from __future__ import annotations

from typing import Any

from tests.web.matrix_plugins import Rows

M = "/api/v1/maturity"
A = M + "/assessments/{assessment_id}"
READ = "401 404 404 200 200 200 200"


def prepare(world: Any) -> None:
    made = world.clients["admin"].post(M + "/assessments", json={"title": "Matrix"})
    assert made.status_code == 201, made.text
    world.ids["assessment_id"] = made.json()["id"]


ROWS = Rows(
    expect={
        ("GET", M + "/model"): READ,
        ("GET", M + "/evidence"): READ,
        ("GET", M + "/assessments"): READ,
        ("POST", M + "/assessments"): "401 404 404 403 403 201 201",
        ("GET", A): READ,
        ("PATCH", A): "401 404 404 403 403 200 200",
        ("GET", A + "/report.md"): READ,
        ("GET", A + "/report.pdf"): READ,
    },
    bodies={
        ("POST", M + "/assessments"): lambda w: {"title": "Matrix"},
        ("PATCH", A): lambda w: {"answers": [{"practice_id": "ORG-2.1", "answer": "partly"}]},
    },
    prepare=prepare,
)
