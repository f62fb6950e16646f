"""KPI pages in the HTML route x role matrix and the bad-input fuzz."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.reports import service
from tests.web.matrix_plugins import Rows


def _share(world: Any) -> tuple[int, str]:
    def make(session: Session) -> tuple[int, str]:
        share, token = service.create_share(
            session, title="Matrix", days=30, team_id=None, actor=Actor.system()
        )
        return share.id, token

    found: tuple[int, str] = world.desk.seed(make)
    return found


def prepare(world: Any) -> None:
    world.ids["share_id"], world.ids["share_token"] = _share(world)


ROWS = Rows(
    expect={
        ("GET", "/kpis"): "L L L 200 200 200 200",
        ("POST", "/kpis/shares"): "L L L ERR ERR 303 303",
        ("POST", "/kpis/shares/{share_id}/revoke"): "L L L ERR ERR 303 303",
        ("GET", "/kpis/public/{share_token}"): "200 200 200 200 200 200 200",
    },
    bodies={("POST", "/kpis/shares"): lambda w: {"title": "Matrix", "days": "30"}},
    prepare=prepare,
    fresh={"share_id": lambda w: _share(w)[0]},
    fuzz={
        "/kpis/shares": ("admin", lambda d: {"title": "Fuzz", "days": "30", "team_id": ""}),
        "/kpis/shares/{share_id}/revoke": ("admin", lambda d: {}),
    },
)
