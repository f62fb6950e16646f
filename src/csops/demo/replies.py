"""What agents, engineers and customers write after the first message."""

from __future__ import annotations

import random

ACKS = (
    "thanks for the detailed report. I have passed this to our {team} team and will update"
    " you as soon as I hear back.",
    "sorry for the trouble. I can reproduce this on our side and we are investigating.",
    "thanks for reaching out. I'm looking into this now and will get back to you shortly.",
    "thank you, this helps a lot. We're checking the logs for the timestamps you sent.",
)
ASKS = (
    "could you send us the request ID or order number of one affected transaction?",
    "could you tell us the exact time (with time zone) when this last happened?",
    "which browser and version are you using? A screenshot of the error would help too.",
    "could you confirm whether this happens for all your users or only some accounts?",
    "can you share the full error message, and whether you changed anything recently?",
)
FIXES: dict[str, tuple[str, ...]] = {
    "payments-api": (
        "the errors were caused by a faulty gateway node, which we have replaced. Error rates"
        " are back to normal since {time}.",
        "webhook deliveries were stuck in a retry queue; we have replayed them, so you should"
        " now have all payment.succeeded events.",
        "we have refunded the duplicate charge; it shows on the statement in 5 to 10 days.",
    ),
    "checkout": (
        "a script conflict on the payment page was fixed in today's release. Please clear the"
        " browser cache and try again.",
        "the 3-D Secure pop-up was blocked by a new content security rule, which we have"
        " corrected.",
        "the promo code was limited to one currency. I've updated it to work in all currencies.",
    ),
    "billing": (
        "I've refunded the duplicate payment and added a credit note to your account.",
        "your VAT number is now on all invoices; corrected copies are in Billing > Invoices.",
        "the plan change is scheduled for the end of your billing period. No action needed.",
    ),
    "login-sso": (
        "your identity provider's certificate had rotated. After uploading the new certificate"
        " in Settings > SSO, sign-in works again.",
        "I've unlocked the account and reset two-factor authentication. Please set it up again"
        " at your next sign-in.",
        "the reset emails were blocked by your mail filter; we've added our sending domain to"
        " the documentation. Please allow-list it.",
    ),
    "notifications": (
        "the email provider had a delivery backlog; it has cleared and emails go out instantly"
        " again.",
        "the SMS route for that country was switched to a new carrier; delivery is back above 99%.",
    ),
    "status-page": ("thanks, we've reviewed the status page automation and fixed the gap.",),
    "mobile-app": (
        "version 5.13.1 is now in the store and fixes the crash. Please update the app.",
        "this is fixed in the latest release. If it still happens, please send the app logs"
        " from Settings > Help > Send logs.",
    ),
    "search": (
        "the search index for your account was rebuilt; order references are found again.",
        "we've enabled accent-insensitive matching for your workspace.",
    ),
    "reporting": (
        "reports use UTC; I've switched your workspace to your local time zone so the totals"
        " match your payouts.",
        "the scheduler skipped your report due to a failed job; it's fixed and was re-sent.",
    ),
    "data-export": (
        "large exports now run in the background; you'll get an email with the download link.",
        "the SFTP job failed on an expired host key. We've updated it and re-sent the missing"
        " files.",
    ),
}
GENERIC_FIXES = (
    "this should be resolved now. Please let us know if you still see the problem.",
    "I've made the change on your account. You should see it right away.",
    "I've shared the answer above with our documentation team so it's easier to find.",
)
FOLLOW_UPS = (
    "Here is the request ID: {req}. It happened at {time}.",
    "It happened again at {time}, order {order}. Screenshot attached in the portal.",
    "We use {browser}. It happens for everyone in the team.",
    "Thanks for the quick answer! Any update on this?",
    "Still seeing this after the update, unfortunately. Order {order} failed at {time}.",
    "All of our users are affected. Could you raise the priority?",
)
REOPENS = (
    "Unfortunately this is happening again since {time}.",
    "The problem is back for some of our customers. Example: {order}.",
)
THANKS = ("Thanks, that worked!", "Confirmed, all good now. Thank you.", "Great, thanks a lot!")
NOTES = (
    "Checked the logs: upstream returned 502 between {time} and 20 minutes later. Likely"
    " related to the deploy that went out just before.",
    "Reproduced on staging. Filed ENG-{ticket} for the fix.",
    "Customer is on the {plan} plan; VIP handling please.",
    "Same symptom as three other tickets today; possibly one incident. Linking them.",
    "Engineering confirmed the root cause, fix is in review.",
    "Looked at the account: configuration is correct on our side.",
    "Waiting for the carrier to confirm the routing change.",
)
SIGN_OFFS = ("Best regards,", "Kind regards,", "Thanks,", "Cheers,", "All the best,")


def _greet(rng: random.Random, name: str) -> str:
    return rng.choice(("Hi", "Hello", "Dear")) + f" {name},"


def agent_reply(
    rng: random.Random, *, kind: str, service: str | None, customer: str, agent: str, team: str
) -> str:
    """kind: 'ack', 'ask' or 'fix'."""
    if kind == "ask":
        body = rng.choice(ACKS).format(team=team) + "\n\nTo narrow it down, " + rng.choice(ASKS)
    elif kind == "fix":
        body = "good news: " + rng.choice(FIXES.get(service or "", GENERIC_FIXES))
    else:
        body = rng.choice(ACKS).format(team=team)
    body = body.format(time=f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} UTC")
    return f"{_greet(rng, customer)}\n\n{body[0].upper()}{body[1:]}\n\n{rng.choice(SIGN_OFFS)}\n{agent}"


def customer_reply(rng: random.Random, *, kind: str, slots: dict[str, str]) -> str:
    """kind: 'follow-up', 'reopen' or 'thanks'."""
    pool = {"reopen": REOPENS, "thanks": THANKS}.get(kind, FOLLOW_UPS)
    return rng.choice(pool).format(**slots)


def internal_note(rng: random.Random, *, slots: dict[str, str]) -> str:
    return rng.choice(NOTES).format(**slots)
