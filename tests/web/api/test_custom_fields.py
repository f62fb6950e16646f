from __future__ import annotations

from csops.domains.accounts.models import Role
from tests.web.api.conftest import assert_problem
from tests.web.conftest import LiveServer


def test_defined_fields_are_validated_on_tickets(live: LiveServer) -> None:
    admin = live.api("admin@x.example", role=Role.admin)
    created = admin.post(
        "/api/v1/custom-fields",
        json={"key": "plan", "label": "Plan", "field_type": "choice", "choices": ["free", "pro"]},
    )
    assert created.status_code == 201, created.text
    assert created.json()["choices"] == ["free", "pro"]
    assert_problem(
        admin.post(
            "/api/v1/custom-fields", json={"key": "plan", "label": "x", "field_type": "text"}
        ),
        409,
    )
    assert_problem(
        admin.post(
            "/api/v1/custom-fields", json={"key": "c", "label": "x", "field_type": "choice"}
        ),
        422,
    )
    assert [f["key"] for f in admin.get("/api/v1/custom-fields").json()] == ["plan"]

    base = {"subject": "Upgrade", "description": "Please", "requester": {"email": "r@x.example"}}
    ok = admin.post("/api/v1/tickets", json={**base, "custom_fields": {"plan": "pro"}})
    assert ok.status_code == 201 and ok.json()["custom_fields"] == {"plan": "pro"}
    assert_problem(
        admin.post("/api/v1/tickets", json={**base, "custom_fields": {"plan": "gold"}}), 422
    )
    assert_problem(admin.post("/api/v1/tickets", json={**base, "custom_fields": {"nope": 1}}), 422)


def test_only_admins_define_fields(live: LiveServer) -> None:
    manager = live.api("m@x.example", role=Role.manager)
    assert_problem(
        manager.post(
            "/api/v1/custom-fields", json={"key": "k", "label": "K", "field_type": "text"}
        ),
        403,
    )
