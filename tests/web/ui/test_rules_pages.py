"""Routing rules in the admin UI: create from the form, test-run against recent tickets
(nothing changes), bad JSON refused with the reason; the rule then routes new tickets."""

from __future__ import annotations

import json
import re

from csops.domains.accounts.models import Role
from csops.domains.tickets.models import Priority, Ticket
from tests.web.conftest import LiveServer
from tests.web.ui.conftest import signed_in, ticket


def test_admin_creates_previews_and_applies_a_rule(live: LiveServer) -> None:
    live.user("rules-admin@staff.example", role=Role.admin)
    admin = signed_in(live, "rules-admin@staff.example")
    refund = ticket(live, subject="Refund for order 77")
    other = ticket(live, subject="Cannot sign in")
    form = {
        "name": "Refunds are urgent",
        "match": "all",
        "conditions": json.dumps([{"field": "subject", "op": "contains", "value": "refund"}]),
        "actions": json.dumps([{"type": "set_priority", "value": "urgent"}]),
        "on_create": "on",
        "is_active": "on",
    }
    bad = admin.post("/admin/rules", {**form, "actions": "[{oops"})
    assert bad.status_code == 422 and "not valid JSON" in bad.text
    created = admin.post("/admin/rules", form)
    assert created.status_code == 303
    path = created.headers["location"]
    assert re.fullmatch(r"/admin/rules/\d+", path)
    preview = admin.post(path + "/preview", {"limit": "10"})
    assert preview.status_code == 200
    assert "1 of 2 tickets match" in preview.text and "normal → urgent" in preview.text
    untouched = live.seed(
        lambda s: (s.get_one(Ticket, refund).priority, s.get_one(Ticket, other).priority)
    )
    assert untouched == (Priority.normal, Priority.normal)
    routed = ticket(live, subject="Refund not received")
    assert live.seed(lambda s: s.get_one(Ticket, routed).priority) == Priority.urgent
    listed = admin.get("/admin/rules")
    assert "Refunds are urgent" in listed.text
    deleted = admin.post(path + "/delete")
    assert deleted.status_code == 303 and admin.get(path).status_code == 404
