"""Public entry points of the signals domain (other domains and the web layer call these)."""

from csops.domains.signals.alerts import ingest_alertmanager, list_alerts, record_alert
from csops.domains.signals.changes import (
    candidates,
    from_github_deployment_status,
    list_changes,
    record_change,
)
from csops.domains.signals.clusters import (
    ClusterView,
    active_clusters,
    cluster_detail,
    get_cluster,
    merge,
    merge_targets,
    rename,
    split,
)
from csops.domains.signals.detection import process_ticket, service_sensitivity
from csops.domains.signals.suspects import confirm, dismiss, get_suspect, list_suspects

__all__ = [
    "ClusterView",
    "active_clusters",
    "cluster_detail",
    "get_cluster",
    "merge_targets",
    "split",
    "candidates",
    "confirm",
    "dismiss",
    "get_suspect",
    "list_suspects",
    "merge",
    "process_ticket",
    "rename",
    "service_sensitivity",
    "from_github_deployment_status",
    "ingest_alertmanager",
    "list_alerts",
    "list_changes",
    "record_alert",
    "record_change",
]
