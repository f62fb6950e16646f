"""The intake domain's entry points: inbound webhooks and the anonymous web form.

The use cases live in webhooks.py and webform.py; this module re-exports them so callers
outside the domain depend on one name.
"""

from __future__ import annotations

from csops.domains.intake.webform import is_hidden, submit, verify
from csops.domains.intake.webhooks import (
    create_source,
    get_source,
    list_deliveries,
    list_sources,
    receive,
    rotate_secret,
    update_source,
)

__all__ = [
    "create_source",
    "get_source",
    "is_hidden",
    "list_deliveries",
    "list_sources",
    "receive",
    "rotate_secret",
    "submit",
    "update_source",
    "verify",
]
