"""Default notification texts of the feedback domain (en, zh_Hans)."""

from __future__ import annotations

from csops.domains.notifications.templates import register_default

CSAT_TEXT = """How did we do with your request #{{ ticket_id }} ({{ subject }})?

{% if binary %}Good: {{ rating_urls[1].url }}
Bad: {{ rating_urls[0].url }}{% else %}{% for r in rating_urls %}{{ r.rating }}/5: {{ r.url }}
{% endfor %}{% endif %}
Or answer with a comment: {{ survey_url }}
"""
CSAT_TEXT_ZH = """您对请求 #{{ ticket_id }}（{{ subject }}）的处理满意吗？

{% if binary %}满意：{{ rating_urls[1].url }}
不满意：{{ rating_urls[0].url }}{% else %}{% for r in rating_urls %}{{ r.rating }}/5：{{ r.url }}
{% endfor %}{% endif %}
也可以留下评论：{{ survey_url }}
"""


def register() -> None:
    register_default("csat_survey", subject="How did we do? (#{{ ticket_id }})", text=CSAT_TEXT)
    register_default(
        "csat_survey",
        locale="zh_Hans",
        subject="请评价我们的服务（#{{ ticket_id }}）",
        text=CSAT_TEXT_ZH,
    )
    register_default(
        "followup_due",
        subject="Follow-up on a bad rating: #{{ ticket_id }}",
        text=(
            "A customer rated ticket #{{ ticket_id }} {{ rating }}/5.{% if comment %}\n"
            '"{{ comment }}"{% endif %}\nPlease call them back by {{ due }}.\n{{ url }}'
        ),
    )
    register_default(
        "followup_due",
        locale="zh_Hans",
        subject="差评回访：#{{ ticket_id }}",
        text="客户给工单 #{{ ticket_id }} 打了 {{ rating }}/5 分。请在 {{ due }} 前回访。\n{{ url }}",
    )
    register_default(
        "nps_survey",
        subject="How likely are you to recommend us?",
        text="On a scale from 0 to 10, how likely are you to recommend us to a friend or "
        "colleague? Answer here: {{ survey_url }}",
    )
    register_default(
        "nps_survey",
        locale="zh_Hans",
        subject="您有多大可能向他人推荐我们？",
        text="请用 0 到 10 分评价您向朋友或同事推荐我们的可能性：{{ survey_url }}",
    )
