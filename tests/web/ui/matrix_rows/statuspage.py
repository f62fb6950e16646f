"""UI matrix rows and fuzz bases of the status page (public) and its admin page."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.orm import Session

from csops.domains.notifications.models import Brand
from csops.domains.statuspage.models import StatusComponent
from tests.web.matrix_plugins import Rows

S = "/status"
PUBLIC = "200 200 200 200 200 200 200"
REDIRECT = "307 307 307 307 307 307 307"


def prepare(w: Any) -> None:
    w.ids["brand"] = "matrix"

    def make(session: Session) -> None:
        if session.query(Brand).filter_by(slug="matrix").first() is None:
            session.add(
                Brand(name="Matrix", slug="matrix", from_name="M", from_address="m@x.example")
            )
            session.flush()
            session.add(StatusComponent(brand="matrix", name="API"))

    w.desk.seed(make)


def fresh_component(w: Any) -> int:
    def make(session: Session) -> int:
        row = StatusComponent(brand="default", name=f"C {secrets.token_hex(4)}")
        session.add(row)
        session.flush()
        return row.id

    return int(w.desk.seed(make))


ROWS = Rows(
    expect={
        ("GET", S): PUBLIC,
        ("GET", S + "/feed.atom"): REDIRECT,
        ("GET", S + "/badge.svg"): REDIRECT,
        ("GET", S + "/summary.json"): REDIRECT,
        ("GET", S + "/b/{brand}"): PUBLIC,
        ("GET", S + "/b/{brand}/feed.atom"): REDIRECT,
        ("GET", S + "/b/{brand}/badge.svg"): REDIRECT,
        ("GET", S + "/b/{brand}/summary.json"): REDIRECT,
        ("POST", S + "/subscribe"): PUBLIC,
        ("GET", S + "/confirm"): "400 400 400 400 400 400 400",
        ("GET", S + "/unsubscribe"): PUBLIC,
        ("POST", S + "/unsubscribe"): "400 400 400 400 400 400 400",
        ("GET", S + "/admin/components"): "L L L 403 403 403 200",
        ("POST", S + "/admin/components"): "L L L 403 403 403 303",
        ("POST", S + "/admin/components/{component_id}/delete"): "L L L 403 403 403 303",
    },
    bodies={
        ("POST", S + "/subscribe"): lambda w: {"email": f"{secrets.token_hex(4)}@sub.example"},
        ("POST", S + "/unsubscribe"): lambda w: {"token": "not-a-token"},
        ("POST", S + "/admin/components"): lambda w: {"name": f"C {secrets.token_hex(4)}"},
    },
    prepare=prepare,
    fresh={"component_id": fresh_component},
    fuzz={
        S + "/subscribe": (
            "anon",
            lambda d: {"email": "fuzz@sub.example", "url": "", "kind": "email", "brand": "default"},
        ),
        S + "/unsubscribe": ("anon", lambda d: {"token": "x"}),
        S + "/admin/components": (
            "admin",
            lambda d: {
                "name": f"F {secrets.token_hex(4)}",
                "description": "",
                "service_id": "",
                "brand": "default",
                "position": "0",
            },
        ),
        S + "/admin/components/{component_id}/delete": ("admin", lambda d: {}),
    },
)
