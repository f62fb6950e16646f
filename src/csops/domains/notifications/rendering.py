"""Render notification templates in a sandboxed Jinja environment.

Templates (the code defaults of `templates.py` and the admins' overrides) are compiled by
`ImmutableSandboxedEnvironment`: no attribute access to internals, no mutation of the data.
Customer text only ever arrives as a *value* in the context: it is printed, never compiled,
so "{{ 7*7 }}" typed by a customer shows literally. The HTML part is autoescaped; the
subject and text parts are not (they are not HTML), and the subject is flattened to one
line so nothing in it can start a new mail header.
"""

from __future__ import annotations

import functools
import html as html_lib
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from csops.errors import Invalid

_text_env = ImmutableSandboxedEnvironment(autoescape=False, undefined=Undefined)
_html_env = ImmutableSandboxedEnvironment(autoescape=True, undefined=Undefined)
_strict_env = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def one_line(value: str) -> str:
    """Collapse CR, LF and other line breaks: safe to put into a header."""
    return " ".join(value.splitlines()).replace("\r", " ").replace("\n", " ").strip()


def check_syntax(source: str) -> None:
    """Raise Invalid when `source` is not a valid template (admins' edits)."""
    try:
        _strict_env.parse(source)
    except TemplateError as exc:
        raise Invalid(f"template error: {exc}") from exc


@functools.lru_cache(maxsize=256)
def _compiled(autoescape: bool, source: str) -> Template:
    return (_html_env if autoescape else _text_env).from_string(source)


def _render(env: ImmutableSandboxedEnvironment, source: str, context: dict[str, Any]) -> str:
    try:
        return _compiled(env is _html_env, source).render(**context)
    except TemplateError as exc:
        raise Invalid(f"template error: {exc}") from exc


def text_to_html(text: str) -> str:
    return "<p>" + html_lib.escape(text).replace("\n\n", "</p><p>").replace("\n", "<br>") + "</p>"


def render(*, subject: str, text: str, html: str, context: dict[str, Any]) -> Rendered:
    """Render the three parts; an empty HTML template gets the escaped text instead."""
    body_text = _render(_text_env, text, context)
    body_html = _render(_html_env, html, context) if html.strip() else text_to_html(body_text)
    return Rendered(
        subject=one_line(_render(_text_env, subject, context))[:900],
        text=body_text,
        html=body_html,
    )
