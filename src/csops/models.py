"""Imports every model module so Base.metadata is complete (Alembic, tests)."""

from csops.domains.accounts import models as accounts_models
from csops.domains.idempotency import models as idempotency_models
from csops.domains.kb import models as kb_models
from csops.domains.live import models as live_models
from csops.domains.tickets import models as tickets_models
from csops.jobs import models as jobs_models

__all__ = [
    "accounts_models",
    "idempotency_models",
    "jobs_models",
    "kb_models",
    "live_models",
    "tickets_models",
]
