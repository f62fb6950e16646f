"""The Jinja2 environment for pages: autoescaping, translations, display filters."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse

from csops import i18n
from csops.clock import now
from csops.i18n.labels import N_, Nn_
from csops.web import nav

TEMPLATES_DIR = Path(__file__).parent / "templates"
# The `relative` filter's words, largest unit first (marked here so extraction keeps them).
JUST_NOW = N_("just now")
RELATIVE_TIMES = (
    (86400, Nn_("%(num)d day ago", "%(num)d days ago")),
    (3600, Nn_("%(num)d hour ago", "%(num)d hours ago")),
    (60, Nn_("%(num)d minute ago", "%(num)d minutes ago")),
)


def _relative(value: datetime | None) -> str:
    if value is None:
        return ""
    seconds = int((now() - value).total_seconds())
    if seconds < 60:
        return i18n.gettext(JUST_NOW)
    for size, (singular, plural) in RELATIVE_TIMES:
        if seconds >= size:
            return i18n.ngettext(singular, plural, seconds // size)
    return ""


def _when(value: datetime | None, tz: str = "UTC", fmt: str = "medium") -> str:
    return "" if value is None else i18n.format_datetime(value, tz=tz, format=fmt)


def _label(value: Any) -> str:
    """Enum values as translated, human words (on-hold -> On hold)."""
    raw = getattr(value, "value", value)
    return i18n.gettext(str(raw).replace("-", " ").capitalize()) if raw is not None else ""


def _safe_html(value: str) -> Markup:
    """Only for bodies that were sanitized with nh3 on the way in."""
    return Markup(value)  # noqa: S704


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"], default=True),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["relative"] = _relative
    env.filters["when"] = _when
    env.filters["label"] = _label
    env.filters["sanitized"] = _safe_html
    env.globals["now"] = now
    env.globals["nav_operations"] = nav.OPERATIONS
    env.globals["nav_admin"] = nav.ADMIN
    return Jinja2Templates(env=env)


def render(
    templates: Jinja2Templates,
    request: Request,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> HTMLResponse:
    """Renders in the page's locale (context["locale"]); templates render at construction."""
    with i18n.use_locale(str(context.get("locale") or i18n.get_locale())):
        return templates.TemplateResponse(request, name, context, status_code=status_code)
