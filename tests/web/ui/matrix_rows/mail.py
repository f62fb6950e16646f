"""Inbound-mail admin pages in the HTML route x role matrix and the bad-input fuzz."""

from __future__ import annotations

from typing import Any

from tests.web.api.matrix_rows.mail import quarantined
from tests.web.matrix_plugins import Rows

M = "/admin/mail"


def prepare(world: Any) -> None:
    world.ids["inbound_mail_id"] = world.desk.seed(quarantined)


ROWS = Rows(
    expect={
        ("GET", M): "L L L 403 403 403 200",
        ("GET", M + "/{inbound_mail_id}"): "L L L 403 403 403 200",
        ("POST", M + "/{inbound_mail_id}/retry"): "L L L 403 403 403 303",
    },
    bodies={("POST", M + "/{inbound_mail_id}/retry"): lambda w: {}},
    prepare=prepare,
    fresh={"inbound_mail_id": lambda w: int(w.desk.seed(quarantined))},
    fuzz={M + "/{inbound_mail_id}/retry": ("admin", lambda d: {})},
)
