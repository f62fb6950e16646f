"""UI matrix rows of intake: the public web form (any visitor) and the admin pages of
webhook sources; fuzz bases for each of their forms."""

from __future__ import annotations

import json
import secrets
from typing import Any

from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.intake import service, webform
from csops.domains.intake.schemas import SourceIn
from tests.web.matrix_plugins import Rows

ADMIN_GET = "L L L 403 403 403 200"
ADMIN_POST = "L L L 403 403 403 303"
EVERYONE = {code: " ".join([code] * 7) for code in ("200", "303", "307")}


def web_request(_w: Any) -> dict[str, Any]:
    return {
        "email": f"form-{secrets.token_hex(5)}@visitor.example",
        "name": "Matrix",
        "subject": "Web form",
        "description": "From the web form",
    }


def prepare(world: Any) -> None:
    def make(session: Session) -> tuple[int, str]:
        source = service.create_source(
            session,
            data=SourceIn(slug=f"ui-{secrets.token_hex(4)}", name="UI source"),
            actor=Actor.system(),
        )
        outcome = webform.submit(session, values=web_request(world), ip="192.0.2.1")
        return source.id, webform.verify_link(outcome.submission_id)

    source_id, link = world.desk.seed(make)
    world.ids["source_id"] = source_id
    world.ids["verify_token"] = link.rsplit("/", 1)[1]


ROWS = Rows(
    expect={
        ("GET", "/forms/request"): EVERYONE["200"],
        ("POST", "/forms/request"): EVERYONE["303"],
        ("GET", "/forms/request/sent"): EVERYONE["200"],
        ("GET", "/forms/verify/{verify_token}"): EVERYONE["200"],
        ("GET", "/widget/form.js"): EVERYONE["307"],
        ("GET", "/admin/intake"): ADMIN_GET,
        ("POST", "/admin/intake"): ADMIN_GET,  # the new secret is shown on the response page
        ("GET", "/admin/intake/{source_id}"): ADMIN_GET,
        ("POST", "/admin/intake/{source_id}"): ADMIN_POST,
        ("POST", "/admin/intake/{source_id}/rotate"): ADMIN_GET,
    },
    bodies={
        ("POST", "/forms/request"): web_request,
        ("POST", "/admin/intake"): lambda w: {"slug": f"s-{secrets.token_hex(5)}", "name": "S"},
        ("POST", "/admin/intake/{source_id}"): lambda w: {
            "name": "UI source",
            "mapping": json.dumps({"subject": "title", "requester_email": "who"}),
            "is_active": "on",
        },
    },
    prepare=prepare,
    fuzz={
        "/forms/request": ("anon", web_request),
        "/admin/intake": ("admin", lambda d: {"slug": f"f-{secrets.token_hex(5)}", "name": "F"}),
        "/admin/intake/{source_id}": (
            "admin",
            lambda d: {"name": "UI source", "mapping": "{}", "is_active": "on"},
        ),
        "/admin/intake/{source_id}/rotate": ("admin", lambda d: {}),
    },
)
