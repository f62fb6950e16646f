"""What customers read about an incident: notification templates and ticket messages.

Customer-facing text is chosen by the customer's locale here (en, zh_Hans), not by the
viewer's, so it is kept beside the templates rather than in the UI catalogs.
"""

from __future__ import annotations

from csops.domains.notifications.templates import register_default

_FOOTER_EN = "\n\nFollow the status: {{ status_url }}\n"
_FOOTER_ZH = "\n\n查看状态：{{ status_url }}\n"

register_default(
    "incident_update",
    subject="[#{{ ticket_id }}] Update: {{ incident_title }}",
    text=(
        "Hello {{ customer_name }},\n\nAn update on the problem you reported "
        "({{ incident_title }}), now {{ status }}:\n\n{{ body }}" + _FOOTER_EN
    ),
)
register_default(
    "incident_update",
    subject="[#{{ ticket_id }}] 进展：{{ incident_title }}",
    text=(
        "{{ customer_name }}，您好：\n\n关于您反馈的问题（{{ incident_title }}），"
        "当前状态：{{ status }}。\n\n{{ body }}" + _FOOTER_ZH
    ),
    locale="zh_Hans",
)
register_default(
    "incident_resolved",
    subject="[#{{ ticket_id }}] Resolved: {{ incident_title }}",
    text=(
        "Hello {{ customer_name }},\n\nThe problem you reported ({{ incident_title }}) "
        "has been resolved.\n\n{{ body }}\n\nIf anything still does not work, just reply "
        "to this message and your request will be reopened." + _FOOTER_EN
    ),
)
register_default(
    "incident_resolved",
    subject="[#{{ ticket_id }}] 已解决：{{ incident_title }}",
    text=(
        "{{ customer_name }}，您好：\n\n您反馈的问题（{{ incident_title }}）已经解决。"
        "\n\n{{ body }}\n\n如果仍有问题，直接回复本邮件即可重新打开您的请求。" + _FOOTER_ZH
    ),
    locale="zh_Hans",
)
register_default(
    "incident_ack",
    subject="[#{{ ticket_id }}] We know about this problem: {{ incident_title }}",
    text=(
        'Hello {{ customer_name }},\n\nThanks for your message about "{{ ticket_subject }}". '
        "We are already working on a known problem: {{ incident_title }}.\n"
        "{% if body %}\nLatest update: {{ body }}\n{% endif %}"
        "\nWe will write to you again as soon as we know more." + _FOOTER_EN
    ),
)
register_default(
    "incident_ack",
    subject="[#{{ ticket_id }}] 我们已知晓此问题：{{ incident_title }}",
    text=(
        "{{ customer_name }}，您好：\n\n感谢您关于“{{ ticket_subject }}”的来信。"
        "我们正在处理一个已知问题：{{ incident_title }}。\n"
        "{% if body %}\n最新进展：{{ body }}\n{% endif %}"
        "\n有新进展时我们会第一时间通知您。" + _FOOTER_ZH
    ),
    locale="zh_Hans",
)

_UPDATE = {
    "en": "Update on a known problem ({title}):\n\n{body}",
    "zh_Hans": "已知问题的最新进展（{title}）：\n\n{body}",
}
_RESOLVED = {
    "en": "The known problem ({title}) has been resolved.\n\n{body}",
    "zh_Hans": "已知问题（{title}）已经解决。\n\n{body}",
}
_RESOLVED_DEFAULT = {
    "en": "Everything is working normally again.",
    "zh_Hans": "一切已恢复正常。",
}
_ACK = {
    "en": "We are already working on a known problem that matches your request: {title}.",
    "zh_Hans": "您的问题与我们正在处理的已知问题相符：{title}。",
}
_LATEST = {"en": "Latest update: {body}", "zh_Hans": "最新进展：{body}"}


def _pick(table: dict[str, str], locale: str) -> str:
    return table.get(locale, table["en"])


def resolved_text(locale: str) -> str:
    return _pick(_RESOLVED_DEFAULT, locale)


def ticket_message(locale: str, title: str, body: str, *, resolved: bool) -> str:
    return _pick(_RESOLVED if resolved else _UPDATE, locale).format(title=title, body=body)


def ack_message(locale: str, title: str, latest: str) -> str:
    text = _pick(_ACK, locale).format(title=title)
    if latest:
        text += "\n\n" + _pick(_LATEST, locale).format(body=latest)
    return text
