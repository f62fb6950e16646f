"""Strings the UI translates by value rather than at a literal call site.

Enum labels (status, priority, type) are looked up at run time (``_(STATUS_LABELS[s])``), so
the extractor cannot find them from the templates; marking them here with ``N_`` keeps them in
the catalogs across ``make i18n``. ``UI_STRINGS`` seeds the navigation and form words the web
UI uses, so the catalogs were complete before the templates existed and stay so.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext_noop marker name
    """Mark ``message`` for extraction without translating it (gettext_noop)."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802
    """Mark a plural pair for extraction without translating it (ngettext_noop)."""
    return singular, plural


STATUS_LABELS: dict[str, str] = {
    "new": N_("New"),
    "open": N_("Open"),
    "pending": N_("Pending"),
    "on-hold": N_("On hold"),
    "solved": N_("Solved"),
    "closed": N_("Closed"),
}

PRIORITY_LABELS: dict[str, str] = {
    "low": N_("Low"),
    "normal": N_("Normal"),
    "high": N_("High"),
    "urgent": N_("Urgent"),
}

TYPE_LABELS: dict[str, str] = {
    "question": N_("Question"),
    "request": N_("Request"),
    "complaint": N_("Complaint"),
    "problem": N_("Problem"),
}

TICKET_COUNT: tuple[str, str] = Nn_("%(num)d ticket", "%(num)d tickets")

UI_STRINGS: tuple[str, ...] = (
    # navigation and views
    N_("Inbox"),
    N_("Tickets"),
    N_("Search"),
    N_("Views"),
    N_("New ticket"),
    N_("Mine"),
    N_("Unassigned"),
    N_("All open"),
    N_("Dashboard"),
    N_("Live"),
    # ticket fields
    N_("Subject"),
    N_("Requester"),
    N_("Organization"),
    N_("Status"),
    N_("Priority"),
    N_("Type"),
    N_("Assignee"),
    N_("Team"),
    N_("Service"),
    N_("Tags"),
    N_("Channel"),
    N_("Created"),
    N_("Updated"),
    N_("Attachments"),
    # ticket actions
    N_("Reply"),
    N_("Internal note"),
    N_("Send reply"),
    N_("Add note"),
    N_("Macros"),
    N_("Apply macro"),
    N_("Properties"),
    N_("History"),
    N_("Save"),
    N_("Cancel"),
    N_("Merge"),
    N_("Merge into"),
    N_("Assign"),
    N_("reopened"),
    N_("merged into"),
    # lists
    N_("No tickets match"),
    N_("Filter"),
    N_("Clear"),
    N_("Bulk actions"),
    N_("Apply"),
    N_("selected"),
    N_("Sort"),
    N_("Order"),
    N_("Previous"),
    N_("Next"),
    # accounts and admin
    N_("Log in"),
    N_("Log out"),
    N_("Email"),
    N_("Password"),
    N_("Name"),
    N_("Role"),
    N_("Users"),
    N_("Teams"),
    N_("Services"),
    N_("Organizations"),
    N_("Customers"),
    N_("API tokens"),
    N_("Admin"),
    N_("Settings"),
    N_("Language"),
    N_("Create"),
    N_("Revoke"),
    N_("Shown once: copy it now"),
    N_("Scopes"),
    N_("Last used"),
    N_("Never"),
    N_("Members"),
    N_("Owning team"),
    N_("Tier"),
    N_("Description"),
    N_("Change password"),
    N_("Current password"),
    N_("New password"),
    N_("Invalid email or password"),
    N_("Too many attempts, try again later"),
    # customer portal
    N_("Customer portal"),
    N_("My requests"),
    N_("New request"),
    N_("Describe your problem"),
    N_("Submit"),
    N_("Close request"),
    N_("Your request has been received"),
    N_("Sign in with a link"),
    # errors
    N_("Page not found"),
    N_("Something went wrong"),
)
