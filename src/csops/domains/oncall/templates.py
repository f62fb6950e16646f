"""Default text of the "page" notification (en, zh_Hans); admins may override it."""

from __future__ import annotations

from csops.domains.notifications.templates import register_default

register_default(
    "page",
    subject="{% if is_drill %}[DRILL] {% endif %}Page #{{ page_id }}: {{ title }}",
    text=(
        "{% if is_drill %}This is a drill.\n\n{% endif %}"
        "{{ title }}\n\n{{ details }}\n\n"
        "Escalation level {{ level }}; triggered {{ trigger_count }} time(s).\n\n"
        "Acknowledge: {{ acknowledge_url }}\nResolve: {{ resolve_url }}\n"
        "Open: {{ page_url }}\n"
    ),
)
register_default(
    "page",
    subject="{% if is_drill %}[演练] {% endif %}告警 #{{ page_id }}：{{ title }}",
    text=(
        "{% if is_drill %}这是一次演练。\n\n{% endif %}"
        "{{ title }}\n\n{{ details }}\n\n"
        "升级级别 {{ level }}；已触发 {{ trigger_count }} 次。\n\n"
        "确认：{{ acknowledge_url }}\n解决：{{ resolve_url }}\n打开：{{ page_url }}\n"
    ),
    locale="zh_Hans",
)
