"""Signals routes in the API route x role matrix: staff with signals scopes only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.web.matrix_plugins import Rows

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "alertmanager"
READ = "401 404 404 200 200 200 200"
WRITE = "401 404 404 200 200 200 200"
CREATE = "401 404 404 201 201 201 201"


def _fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


ROWS = Rows(
    expect={
        ("POST", "/api/v1/integrations/alertmanager"): WRITE,
        ("POST", "/api/v1/integrations/grafana"): WRITE,
        ("POST", "/api/v1/integrations/github/deployment-status"): WRITE,
        ("POST", "/api/v1/alerts"): CREATE,
        ("GET", "/api/v1/alerts"): READ,
        ("POST", "/api/v1/changes"): CREATE,
        ("GET", "/api/v1/changes"): READ,
        ("GET", "/api/v1/signals/suspects"): READ,
    },
    bodies={
        ("POST", "/api/v1/integrations/alertmanager"): lambda w: _fixture("firing.json"),
        ("POST", "/api/v1/integrations/grafana"): lambda w: _fixture("grafana.json"),
        ("POST", "/api/v1/integrations/github/deployment-status"): lambda w: _fixture(
            "github_deployment_status.json"
        ),
        ("POST", "/api/v1/alerts"): lambda w: {"name": "Matrix alert", "service": "payments"},
        ("POST", "/api/v1/changes"): lambda w: {"service": "payments", "version": "v1"},
    },
)
