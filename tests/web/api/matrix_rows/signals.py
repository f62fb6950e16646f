"""Signals routes in the API route x role matrix: staff with signals scopes only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.integration.signals.seeding import seed_cluster
from tests.web.matrix_plugins import Rows

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "alertmanager"
READ = "401 404 404 200 200 200 200"
WRITE = "401 404 404 200 200 200 200"
CREATE = "401 404 404 201 201 201 201"


def _fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


CL = "/api/v1/signals/clusters"
TEXTS = ["card payment failed", "card payment declined"]


def _cluster(w: Any) -> tuple[int, list[int]]:
    made: tuple[int, list[int]] = w.desk.seed(lambda session: seed_cluster(session, TEXTS))
    return made


def _fresh_cluster(w: Any) -> int:
    """A new cluster per writing call; the split body made it already (bodies come first)."""
    ready = w.ids.pop("signals_split_cluster", None)
    return int(ready) if ready is not None else _cluster(w)[0]


def _split_body(w: Any) -> dict[str, Any]:
    cluster_id, ticket_ids = _cluster(w)
    w.ids["signals_split_cluster"] = cluster_id
    return {"ticket_ids": ticket_ids[:1], "label": "Matrix split"}


def prepare(w: Any) -> None:
    w.ids["cluster_id"] = _cluster(w)[0]


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
        ("GET", CL): READ,
        ("GET", CL + "/{cluster_id}"): READ,
        ("PATCH", CL + "/{cluster_id}"): WRITE,
        ("POST", CL + "/{cluster_id}/merge"): WRITE,
        ("POST", CL + "/{cluster_id}/split"): CREATE,
    },
    bodies={
        ("POST", "/api/v1/integrations/alertmanager"): lambda w: _fixture("firing.json"),
        ("POST", "/api/v1/integrations/grafana"): lambda w: _fixture("grafana.json"),
        ("POST", "/api/v1/integrations/github/deployment-status"): lambda w: _fixture(
            "github_deployment_status.json"
        ),
        ("POST", "/api/v1/alerts"): lambda w: {"name": "Matrix alert", "service": "payments"},
        ("POST", "/api/v1/changes"): lambda w: {"service": "payments", "version": "v1"},
        ("PATCH", CL + "/{cluster_id}"): lambda w: {"label": "Matrix label"},
        ("POST", CL + "/{cluster_id}/merge"): lambda w: {"into_id": _cluster(w)[0]},
        ("POST", CL + "/{cluster_id}/split"): _split_body,
    },
    prepare=prepare,
    fresh={"cluster_id": _fresh_cluster},
)
