"""Notification admin pages and the public preference page in the HTML route x role
matrix and the bad-input fuzz."""

from __future__ import annotations

from typing import Any

from csops import signing
from csops.domains.notifications import service
from tests.web.api.matrix_rows.notifications import HOOK, dead_item, delivery, subscription
from tests.web.matrix_plugins import Rows

A = "/admin/notifications"
ADMIN_GET = "L L L 403 403 403 200"
ADMIN_POST = "L L L 403 403 403 303"
T = A + "/templates/{template_name}/{locale}"
W = A + "/webhooks/{webhook_subscription_id}"
P = "/preferences/{pref_token}"
EVERYONE = "200 200 200 200 200 200 200"


def prepare(world: Any) -> None:
    world.ids["outbox_id"] = world.desk.seed(dead_item)
    world.ids["template_name"] = "generic"
    world.ids["locale"] = "en"
    world.ids["webhook_subscription_id"] = world.desk.seed(subscription)
    world.ids["webhook_delivery_id"] = world.desk.seed(delivery)
    world.ids["pref_token"] = service.preferences_token(world.principals["cust"][1])


def prefs_form(world: Any) -> dict[str, Any]:
    token = world.ids["pref_token"]
    return {"opt_out": "on", "csrf_token": signing.digest("preferences-form", token)}


TEMPLATE_FORM = {"subject": "{{ subject }}", "text": "{{ body }}", "html": "", "action": "save"}
HOOK_FORM = {"name": HOOK["name"], "url": HOOK["url"], "event_types": HOOK["event_types"]}

ROWS = Rows(
    expect={
        ("GET", A + "/outbox"): ADMIN_GET,
        ("POST", A + "/outbox/{outbox_id}/requeue"): ADMIN_POST,
        ("GET", A + "/templates"): ADMIN_GET,
        ("GET", T): ADMIN_GET,
        ("POST", T): ADMIN_POST,
        ("POST", T + "/reset"): ADMIN_POST,
        ("GET", A + "/webhooks"): ADMIN_GET,
        ("POST", A + "/webhooks"): ADMIN_POST,
        ("GET", W): ADMIN_GET,
        ("POST", W): ADMIN_POST,
        ("POST", W + "/delete"): ADMIN_POST,
        ("POST", A + "/webhook-deliveries/{webhook_delivery_id}/replay"): ADMIN_POST,
        ("GET", P): EVERYONE,
        ("POST", P): EVERYONE,
    },
    bodies={
        ("POST", T): lambda w: dict(TEMPLATE_FORM),
        ("POST", A + "/webhooks"): lambda w: dict(HOOK_FORM),
        ("POST", W): lambda w: {**HOOK_FORM, "active": "on"},
        ("POST", P): prefs_form,
    },
    prepare=prepare,
    fresh={
        "outbox_id": lambda w: int(w.desk.seed(dead_item)),
        "webhook_subscription_id": lambda w: int(w.desk.seed(subscription)),
        "webhook_delivery_id": lambda w: int(w.desk.seed(delivery)),
    },
    fuzz={
        A + "/outbox/{outbox_id}/requeue": ("admin", lambda d: {}),
        T: ("admin", lambda d: dict(TEMPLATE_FORM)),
        T + "/reset": ("admin", lambda d: {}),
        A + "/webhooks": ("admin", lambda d: dict(HOOK_FORM)),
        W: ("admin", lambda d: {**HOOK_FORM, "active": "on"}),
        W + "/delete": ("admin", lambda d: {}),
        A + "/webhook-deliveries/{webhook_delivery_id}/replay": ("admin", lambda d: {}),
        # No csrf_token in the base: the page's form token is derived from the link, so
        # the fuzz (which sends the session's token) is refused with 403, as it must be.
        P: ("anon", lambda d: {"opt_out": "on"}),
    },
)
