"""One-shot flash messages: a form answers 303 with a flash, the next page shows it once.

The short-lived cookie holds a message *code* from `MESSAGES` and its few parameters (a count,
a ticket number, the reason a form failed), never finished text: what a flash can say is
fixed here, translated when the next page renders, in the viewer's locale, and escaped by
the templates like any other value. A cookie naming no known code, or with parameters that
do not fit its message, is ignored. The value is `[kind, code, params]` as URL-quoted JSON;
the kind in it is informational, the shown kind is always the one in `MESSAGES`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from csops import i18n
from csops.i18n.labels import N_, Nn_
from csops.web.ui.common import Page, problem_text, set_cookie

FLASH_COOKIE = "csops_flash"
MAX_AGE = 60
MAX_PARAM = 300

Param = str | int
# code -> (kind, message or plural pair); a plural message is counted by its `num` parameter.
MESSAGES: dict[str, tuple[str, str | tuple[str, str]]] = {
    # Account and sign-in
    "settings-saved": ("ok", N_("Your settings were saved")),
    "password-changed": ("ok", N_("Password changed; your other sessions were signed out")),
    # Portal
    "request-received": ("ok", N_("Your request has been received")),
    "reply-sent": ("ok", N_("Your reply was sent")),
    "request-closed": ("ok", N_("Your request was marked as solved")),
    # Admin
    "user-created": ("ok", N_("User created")),
    "user-saved": ("ok", N_("User saved")),
    "team-created": ("ok", N_("Team created")),
    "team-saved": ("ok", N_("Team saved")),
    "service-created": ("ok", N_("Service created")),
    "organization-created": ("ok", N_("Organization created")),
    "token-revoked": ("ok", N_("Token revoked")),
    # Tickets and the inbox
    "agent-reply-sent": ("ok", N_("Reply sent")),
    "note-added": ("ok", N_("Internal note added")),
    "macro-applied": ("ok", N_("Macro applied")),
    "ticket-updated": ("ok", N_("Ticket updated")),
    "ticket-merged": ("ok", N_("Merged #%(source)s into this ticket")),
    "not-saved": ("error", N_("Not saved: %(reason)s")),
    "ticket-changed": (
        "error",
        N_("This ticket changed since you read it; nothing was saved. Review and try again."),
    ),
    "bulk-done": ("ok", Nn_("%(num)d ticket updated", "%(num)d tickets updated")),
    "bulk-failed": ("error", N_("Nothing was changed: %(reason)s")),
    # KPIs
    "kpi-shared": ("ok", N_("Shared. Copy the link now, it is shown only once: %(url)s")),
    "kpi-share-revoked": ("ok", N_("The shared KPI page is no longer available")),
    "report-generated": ("ok", N_("Report generated: %(title)s")),
    "report-subscribed": ("ok", N_("Subscribed: the report will be emailed when it is ready")),
    "report-unsubscribed": ("ok", N_("Subscription removed")),
    # Maturity assessment
    "assessment-created": ("ok", N_("Assessment started; answers are proposed from evidence")),
    "assessment-saved": ("ok", N_("Assessment saved")),
    "assessment-completed": ("ok", N_("Assessment completed")),
    # Notifications (outbox, templates, outgoing webhooks, preferences)
    "notification-template-saved": ("ok", N_("Template saved")),
    "notification-template-reset": ("ok", N_("Template reset to the default")),
    "outbox-requeued": ("ok", N_("The message will be sent again")),
    "webhook-saved": ("ok", N_("Webhook subscription saved")),
    "webhook-deleted": ("ok", N_("Webhook subscription deleted")),
    "webhook-replayed": ("ok", N_("The delivery will be sent again")),
    # Inbound mail (quarantine)
    "mail-accepted": ("ok", N_("The email was processed again (ticket #%(ticket)s)")),
    "mail-ignored": ("ok", N_("The email was processed again and ignored: %(reason)s")),
    "mail-still-quarantined": ("error", N_("The email is still quarantined: %(reason)s")),
    # Incidents and the status page
    "incident-created": ("ok", N_("Incident #%(incident)s declared")),
    "incident-saved": ("ok", N_("Incident saved")),
    "incident-update-posted": ("ok", N_("Update posted")),
    "incident-linked": ("ok", Nn_("%(num)d ticket linked", "%(num)d tickets linked")),
    "incident-unlinked": ("ok", N_("Ticket #%(ticket)s unlinked")),
    "incident-paged": ("ok", N_("On-call paged")),
    "incident-tracker-opened": ("ok", N_("Issue %(key)s opened")),
    "postmortem-saved": ("ok", N_("Postmortem saved")),
    "status-component-saved": ("ok", N_("Status page updated")),
}


def redirect(url: str) -> RedirectResponse:
    """A 303 (see other), the answer to every form post."""
    return RedirectResponse(url, status_code=303)


def set_flash(response: Response, request: Request, code: str, /, **params: Param) -> None:
    """Has `response` carry the flash `code` (a key of MESSAGES) to the next page."""
    kind = MESSAGES[code][0]  # KeyError: a typo in a code is a bug, not a silent no-op
    cleaned = {k: v if isinstance(v, int) else str(v)[:MAX_PARAM] for k, v in params.items()}
    value = quote(json.dumps([kind, code, cleaned], separators=(",", ":")))
    set_cookie(response, FLASH_COOKIE, value, request.app.state.settings, max_age=MAX_AGE)


def flash_redirect(request: Request, url: str, code: str, /, **params: Param) -> RedirectResponse:
    """A 303 to `url` whose page will show the flash `code`."""
    response = redirect(url)
    set_flash(response, request, code, **params)
    return response


def not_saved(request: Request, url: str, exc: Exception) -> RedirectResponse:
    """Back to a form's page, saying in words why it could not be saved."""
    return flash_redirect(request, url, "not-saved", reason=problem_text(exc))


def register_messages(messages: dict[str, tuple[str, str | tuple[str, str]]]) -> None:
    """An area adds its flash codes; a code that already exists is a programming error."""
    taken = MESSAGES.keys() & messages.keys()
    if taken:
        raise ValueError(f"flash codes already registered: {sorted(taken)}")
    MESSAGES.update(messages)


def _pending(raw: str) -> tuple[str, str | tuple[str, str], dict[str, Param]] | None:
    try:
        _kind, code, params = json.loads(unquote(raw))
    except (ValueError, TypeError):
        return None
    if not isinstance(code, str) or code not in MESSAGES or not isinstance(params, dict):
        return None
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in params.values()):
        return None
    kind, message = MESSAGES[code]
    return kind, message, {str(k): v for k, v in params.items()}


def take_flashes(request: Request, locale: str) -> list[tuple[str, str]]:
    """The pending flash as (kind, text in `locale`); empty when there is none or it is junk."""
    found = _pending(request.cookies.get(FLASH_COOKIE, ""))
    if found is None:
        return []
    kind, message, params = found
    if not params and "%(" in str(message):  # a message that needs parameters and got none
        return []
    try:
        with i18n.use_locale(locale):
            if isinstance(message, tuple):
                num = params.pop("num")
                if not isinstance(num, int):
                    return []
                text = i18n.ngettext(message[0], message[1], num, **params)
            else:
                text = i18n.gettext(message, **params)
    except (KeyError, ValueError, TypeError):  # parameters that do not fit the message
        return []
    return [(kind, text)]


def show(page: Page, name: str, status_code: int = 200, **extra: Any) -> HTMLResponse:
    """Renders a signed-in page with the pending flash (if any), then forgets the flash."""
    flashes = take_flashes(page.request, page.locale)
    response = page.render(name, status_code, flashes=flashes, **extra)
    if FLASH_COOKIE in page.request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response
