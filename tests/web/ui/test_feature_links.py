"""Every link the product shows to its own pages goes somewhere: the sidebar and the
maturity model's "implemented by" links name real GET routes."""

from __future__ import annotations

from fastapi.routing import iter_route_contexts
from sqlalchemy import create_engine

from csops.config import get_settings
from csops.domains.maturity.model import load
from csops.web.app import create_app
from csops.web.nav import ADMIN, OPERATIONS


def get_paths() -> set[str]:
    app = create_app(get_settings(), create_engine("sqlite://"), check_schema=False)
    return {
        str(ctx.path) for ctx in iter_route_contexts(app.routes) if "GET" in (ctx.methods or ())
    }


def test_sidebar_links_name_real_pages() -> None:
    paths = get_paths()
    missing = [link.href for link in (*OPERATIONS, *ADMIN) if link.href not in paths]
    assert missing == []


def test_maturity_feature_links_name_real_pages() -> None:
    paths = get_paths()
    links = {p.feature.link for p in load().practices if p.feature}
    missing = sorted(link for link in links if link.split("#")[0].split("?")[0] not in paths)
    assert missing == []
