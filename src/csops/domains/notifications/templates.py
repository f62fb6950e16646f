"""Named notification templates: code defaults per locale, admin overrides in the database.

Other domains add their own defaults at import time of one of their modules::

    from csops.domains.notifications.templates import register_default

    register_default(
        "incident_update",
        subject="[{{ brand.name }}] {{ incident_title }}",
        text="{{ body }}",
        html="",                 # optional; empty: the text, escaped, becomes the HTML part
        locale="en",             # register once per locale ("en", "zh_Hans", ...)
    )

and call `notify(..., template="incident_update", context={...})`. Templates run in the
sandbox of `rendering.py`; every context also carries `brand` (name, from_name),
`preferences_url` (the customer's signed preference link, "" for staff) and `locale`.
A template missing in the customer's locale falls back to "en".
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.notifications.models import TemplateOverride

DEFAULT_LOCALE = "en"
LOCALES = ("en", "zh_Hans")


@dataclass(frozen=True)
class TemplateSource:
    subject: str
    text: str
    html: str = ""


_DEFAULTS: dict[tuple[str, str], TemplateSource] = {}


def register_default(
    name: str, *, subject: str, text: str, html: str = "", locale: str = DEFAULT_LOCALE
) -> None:
    """Register (or replace) the code default of template `name` in `locale`."""
    _DEFAULTS[(name, locale)] = TemplateSource(subject=subject, text=text, html=html)


def template_names() -> list[str]:
    return sorted({name for name, _ in _DEFAULTS})


def normalize_locale(locale: str | None) -> str:
    """Map "zh", "zh-CN", "zh_Hans", "zh-hans-CN" to "zh_Hans"; anything unknown to "en"."""
    if not locale:
        return DEFAULT_LOCALE
    low = locale.replace("-", "_").lower()
    if low.startswith("zh") and "hant" not in low and low not in ("zh_tw", "zh_hk"):
        return "zh_Hans"
    for known in LOCALES:
        if low == known.lower() or low.split("_")[0] == known.lower():
            return known
    return DEFAULT_LOCALE


def default_source(name: str, locale: str) -> TemplateSource | None:
    return _DEFAULTS.get((name, locale)) or _DEFAULTS.get((name, DEFAULT_LOCALE))


def resolve(session: Session, name: str, locale: str) -> TemplateSource | None:
    """The override in `locale`, else the default in `locale`, else the English ones."""
    for loc in dict.fromkeys((locale, DEFAULT_LOCALE)):
        row = session.scalar(
            select(TemplateOverride).where(
                TemplateOverride.name == name, TemplateOverride.locale == loc
            )
        )
        if row is not None:
            return TemplateSource(subject=row.subject, text=row.text, html=row.html)
        found = _DEFAULTS.get((name, loc))
        if found is not None:
            return found
    return None


_FOOTER_EN = (
    "\n\n-- \n{{ brand.name }}"
    "{% if preferences_url %}\nManage your notifications: {{ preferences_url }}{% endif %}"
)
_FOOTER_ZH = "\n\n-- \n{{ brand.name }}{% if preferences_url %}\n管理通知偏好：{{ preferences_url }}{% endif %}"

register_default(
    "ticket_ack",
    subject="{{ ticket_token }} We received your request: {{ subject }}",
    text=(
        "Hello {{ customer_name }},\n\nThank you for contacting us. Your request "
        '{{ ticket_token }} "{{ subject }}" has been received and an agent will answer '
        "soon. Reply to this message to add information." + _FOOTER_EN
    ),
)
register_default(
    "ticket_ack",
    locale="zh_Hans",
    subject="{{ ticket_token }} 我们已收到您的请求：{{ subject }}",
    text=(
        "{{ customer_name }}，您好：\n\n感谢您联系我们。您的请求 {{ ticket_token }}"
        "“{{ subject }}”已收到，客服将尽快回复。直接回复本邮件即可补充信息。" + _FOOTER_ZH
    ),
)
register_default(
    "agent_reply",
    subject="Re: {{ ticket_token }} {{ subject }}",
    text="{{ body }}\n\n{{ agent_name }}" + _FOOTER_EN,
)
register_default(
    "agent_reply",
    locale="zh_Hans",
    subject="回复：{{ ticket_token }} {{ subject }}",
    text="{{ body }}\n\n{{ agent_name }}" + _FOOTER_ZH,
)
register_default(
    "status_changed",
    subject="{{ ticket_token }} Your request has been solved: {{ subject }}",
    text=(
        'Hello {{ customer_name }},\n\nYour request {{ ticket_token }} "{{ subject }}" is '
        "now marked as solved. If anything is still wrong, just reply to this message and it "
        "will be reopened." + _FOOTER_EN
    ),
)
register_default(
    "status_changed",
    locale="zh_Hans",
    subject="{{ ticket_token }} 您的请求已解决：{{ subject }}",
    text=(
        "{{ customer_name }}，您好：\n\n您的请求 {{ ticket_token }}“{{ subject }}”已标记为"
        "已解决。如仍有问题，直接回复本邮件即可重新打开。" + _FOOTER_ZH
    ),
)
register_default(
    "magic_link",
    subject="Your sign-in link for {{ brand.name }}",
    text=(
        "Hello {{ customer_name }},\n\nUse this link to sign in to the support portal "
        "(valid for {{ minutes }} minutes):\n\n{{ link }}\n\nIf you did not ask for it, "
        "ignore this message.\n\n-- \n{{ brand.name }}"
    ),
)
register_default(
    "magic_link",
    locale="zh_Hans",
    subject="{{ brand.name }} 登录链接",
    text=(
        "{{ customer_name }}，您好：\n\n请使用以下链接登录支持门户（{{ minutes }} 分钟内有效）："
        "\n\n{{ link }}\n\n如果这不是您本人的操作，请忽略本邮件。\n\n-- \n{{ brand.name }}"
    ),
)
register_default(
    "generic",
    subject="{{ subject }}",
    text="{{ body }}" + _FOOTER_EN,
)
