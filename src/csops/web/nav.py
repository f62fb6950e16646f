"""The staff sidebar's links beyond the inbox views: one table, rendered by the layout.

A link shows as current when the page's path starts with its `prefix`.
"""

from __future__ import annotations

from dataclasses import dataclass

from csops.i18n.labels import N_


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    prefix: str


OPERATIONS = (
    NavLink(N_("Incidents"), "/incidents", "/incidents"),
    NavLink(N_("On call"), "/oncall", "/oncall"),
    NavLink(N_("Signals"), "/signals", "/signals"),
    NavLink(N_("CX assurance"), "/cx", "/cx"),
    NavLink(N_("Chats"), "/chats", "/chats"),
    NavLink(N_("Follow-ups"), "/followups", "/followups"),
    NavLink(N_("KPIs"), "/kpis", "/kpis"),
    NavLink(N_("Reports"), "/reports", "/reports"),
    NavLink(N_("Maturity"), "/maturity", "/maturity"),
    NavLink(N_("Status page"), "/status", "/status"),
)

ADMIN = (
    NavLink(N_("Users"), "/admin/users", "/admin/users"),
    NavLink(N_("Teams"), "/admin/teams", "/admin/teams"),
    NavLink(N_("Services"), "/admin/services", "/admin/services"),
    NavLink(N_("Organizations"), "/admin/organizations", "/admin/organizations"),
    NavLink(N_("API tokens"), "/admin/tokens", "/admin/tokens"),
    NavLink(N_("SLA policies"), "/admin/sla", "/admin/sla"),
    NavLink(N_("Routing rules"), "/admin/rules", "/admin/rules"),
    NavLink(N_("Notifications"), "/admin/notifications/outbox", "/admin/notifications"),
    NavLink(N_("Inbound email"), "/admin/mail", "/admin/mail"),
    NavLink(N_("Intake sources"), "/admin/intake", "/admin/intake"),
    NavLink(N_("Status components"), "/status/admin/components", "/status/admin"),
)
