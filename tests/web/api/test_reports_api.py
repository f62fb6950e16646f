"""Reports API: operational KPI cards, the report archive (JSON and PDF), forecasts."""

from __future__ import annotations

from csops.domains.accounts.models import Role
from tests.web.api.conftest import Desk


def test_archive_generate_list_and_pdf(server: Desk) -> None:
    _, admin = server.staff(Role.admin)
    made = admin.post("/api/v1/reports/archive", json={"kind": "daily", "period": "2026-11-20"})
    assert made.status_code == 201, made.text
    report = made.json()
    assert report["period_key"] == "2026-11-20" and report["kind"] == "daily"
    listed = admin.get("/api/v1/reports/archive", params={"kind": "daily"}).json()
    assert report["id"] in [r["id"] for r in listed]
    pdf = admin.get(f"/api/v1/reports/archive/{report['id']}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    bad = admin.post("/api/v1/reports/archive", json={"kind": "daily", "period": "20-11-2026"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    missing = admin.get("/api/v1/reports/archive/999999")
    assert missing.status_code == 404


def test_kpis_carry_operational_cards(server: Desk) -> None:
    body = server.staff(Role.manager)[1].get("/api/v1/reports/kpis").json()
    labels = [c["label"] for c in body["extra"]["cards"]]
    assert "SLA attainment" in labels and "Incident MTTR" in labels


def test_forecast(server: Desk) -> None:
    _, agent = server.staff(Role.agent)
    fc = agent.get("/api/v1/reports/forecast", params={"horizon": 28}).json()
    assert len(fc["mean"]) == len(fc["agents"]) == len(fc["days"]) == 28
    assert agent.get("/api/v1/reports/forecast", params={"horizon": 3}).status_code == 422
    _, scoped = server.staff(Role.agent, scopes=("tickets:read",))
    assert scoped.get("/api/v1/reports/forecast").status_code == 403
