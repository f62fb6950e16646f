"""Imports every model module so Base.metadata is complete (Alembic, tests)."""

from csops.domains.accounts import models as accounts_models
from csops.domains.channels import models as channels_models
from csops.domains.chat import models as chat_models
from csops.domains.feedback import models as feedback_models
from csops.domains.idempotency import models as idempotency_models
from csops.domains.incidents import models as incidents_models
from csops.domains.intake import models as intake_models
from csops.domains.journeys import models as journeys_models
from csops.domains.kb import models as kb_models
from csops.domains.live import models as live_models
from csops.domains.maturity import models as maturity_models
from csops.domains.notifications import models as notifications_models
from csops.domains.oncall import models as oncall_models
from csops.domains.reports import models as reports_models
from csops.domains.rules import models as rules_models
from csops.domains.signals import models as signals_models
from csops.domains.sla import models as sla_models
from csops.domains.statuspage import models as statuspage_models
from csops.domains.tickets import models as tickets_models
from csops.jobs import models as jobs_models

__all__ = [
    "accounts_models",
    "channels_models",
    "chat_models",
    "feedback_models",
    "idempotency_models",
    "incidents_models",
    "intake_models",
    "jobs_models",
    "journeys_models",
    "kb_models",
    "live_models",
    "maturity_models",
    "notifications_models",
    "oncall_models",
    "reports_models",
    "rules_models",
    "signals_models",
    "sla_models",
    "statuspage_models",
    "tickets_models",
]
