"""Ticket text: per-service subject and description templates with variable details.

`{slots}` are filled from `details()`; openers, closers and sign-offs vary the framing,
so 3,000 tickets read like 3,000 different people wrote them.
"""

from __future__ import annotations

import random

# (subject, description) per service slug.
TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    "payments-api": (
        (
            "Payments API returning {http} on /v1/charges",
            "Since {time} our calls to POST /v1/charges fail with HTTP {http} for about {pct}% of"
            " requests. Request ID {req}. Nothing changed on our side.",
        ),
        (
            "Webhook payment.succeeded not delivered",
            "We did not receive payment.succeeded webhooks for {count} payments since {time}."
            " The payments show as captured in the dashboard. Example: {order}.",
        ),
        (
            "Card payments declined with {decline}",
            "Customers report card payments declined with code {decline}, mostly {card} cards."
            " {count} failed attempts in the last hour; example order {order}.",
        ),
        (
            "Duplicate charge for order {order}",
            "Our customer was charged twice ({amount} each) for order {order}. The idempotency"
            " key was set on our request. Can you check and refund the duplicate?",
        ),
        (
            "Latency spike on payment intents",
            "p95 latency of payment intent creation went from ~300 ms to {latency} ms around"
            " {time}. Our checkout times out at 5 s so some customers gave up.",
        ),
        (
            "API key rotation question",
            "We need to rotate our live API keys for compliance. Can old and new keys work in"
            " parallel for a while? How long is the overlap?",
        ),
    ),
    "checkout": (
        (
            "Checkout page stuck on 'Processing'",
            "The hosted checkout spins on 'Processing' after the customer clicks Pay, on"
            " {browser}. The payment is sometimes taken anyway. Example order {order}.",
        ),
        (
            "3-D Secure challenge not showing",
            "For {card} cards the 3-D Secure challenge window never opens; the payment then"
            " fails with {decline}. Seen on {browser} and in the {device} in-app browser.",
        ),
        (
            "Wrong currency shown at checkout",
            "Customers in {country} see prices in USD instead of their local currency since"
            " our last configuration change. Checkout session {req}.",
        ),
        (
            "Promo code {promo} not applied",
            "The promo code {promo} is valid in the dashboard but checkout says 'code not"
            " valid'. Customers are complaining on social media.",
        ),
        (
            "Apple Pay button missing",
            "The Apple Pay button disappeared from our checkout on {device}. Domain"
            " verification was done last year. Did something change?",
        ),
    ),
    "billing": (
        (
            "Invoice {invoice} charged twice",
            "We were charged {amount} twice for invoice {invoice}. Please refund one of the"
            " charges and tell us why it happened.",
        ),
        (
            "Question about the {plan} plan pricing",
            "We are thinking of moving to the {plan} plan. Is the price per seat or per"
            " workspace, and is there a discount for annual billing?",
        ),
        (
            "VAT number missing on invoices",
            "Our VAT number is in the billing settings but invoices since {month} do not show"
            " it. Our accounting team needs corrected invoices.",
        ),
        (
            "Refund not received",
            "You confirmed a refund of {amount} on {date} but it has not arrived yet. Could you"
            " send us the refund reference?",
        ),
        (
            "Cancel subscription and downgrade",
            "Please cancel our add-on subscription at the end of the current period and move us"
            " to the {plan} plan. We have {seats} seats today.",
        ),
    ),
    "login-sso": (
        (
            "SSO login fails with '{sso_error}'",
            "Since {time} nobody at our company can sign in through SAML SSO; the identity"
            " provider shows '{sso_error}'. We use {idp}.",
        ),
        (
            "2FA codes not accepted",
            "My authenticator codes are rejected ('invalid code') although the phone clock is"
            " correct. I am locked out of my account.",
        ),
        (
            "Password reset email never arrives",
            "I requested a password reset {count} times but no email arrives, not even in spam."
            " My address is the one on this ticket.",
        ),
        (
            "Account locked after failed logins",
            "My account was locked after some failed attempts. I now know the right password"
            " but it still says 'too many attempts'.",
        ),
        (
            "Add a new SAML certificate",
            "Our {idp} signing certificate expires on {date}. How do we add the new certificate"
            " without downtime for {seats} users?",
        ),
    ),
    "notifications": (
        (
            "Order confirmation emails delayed",
            "Order confirmation emails arrive {minutes} minutes late since {time}. Customers"
            " think their order failed and order again.",
        ),
        (
            "SMS notifications not delivered in {country}",
            "Customers in {country} do not receive SMS codes; delivery reports say 'failed'."
            " Other countries are fine.",
        ),
        (
            "Push notifications stopped on {os}",
            "Push notifications stopped for {os} users after the app update to {app_version}."
            " Android works fine.",
        ),
        (
            "Unsubscribe link goes to 404",
            "The unsubscribe link at the bottom of your marketing emails leads to a 404 page."
            " This is a compliance problem for us.",
        ),
    ),
    "status-page": (
        (
            "Status page shows all green during outage",
            "Between {time} and an hour later the API was clearly failing for us but the status"
            " page showed all systems operational.",
        ),
        (
            "Subscribe to status updates by email",
            "How can our operations team subscribe to status page updates for only the Payments"
            " API component?",
        ),
    ),
    "mobile-app": (
        (
            "App crashes on launch after {app_version} update",
            "Since updating to {app_version} the app closes right after the splash screen on my"
            " {device}, on the latest system update. Reinstalling did not help.",
        ),
        (
            "Can't upload receipts from the app",
            "Uploading a photo of a receipt fails with 'Something went wrong' on {device}. It"
            " works from the website.",
        ),
        (
            "Dark mode makes text unreadable",
            "In dark mode the amounts on the order screen are black on dark grey. {device}, app"
            " {app_version}.",
        ),
        (
            "App logs me out every day",
            "The app asks me to sign in again every single day on my {device}. Is there a"
            " 'remember me' setting?",
        ),
        (
            "Face ID option missing",
            "The Face ID / biometric sign-in option disappeared from settings after the last"
            " update ({app_version}).",
        ),
    ),
    "search": (
        (
            "Search doesn't find orders by reference",
            "Searching for order {order} returns nothing, although the order exists. Searching"
            " by customer name works.",
        ),
        (
            "Search results are slow",
            "Searching products takes {seconds} seconds since {date}. It used to be instant.",
        ),
        (
            "Accented names not matched in search",
            "Searching 'Muller' does not find 'Müller'. Can search ignore accents?",
        ),
    ),
    "reporting": (
        (
            "Monthly revenue report totals don't match",
            "The {month} revenue report shows {amount} but our payouts add up to a different"
            " figure. Which time zone does the report use?",
        ),
        (
            "Scheduled report not sent",
            "Our weekly '{report}' report was not emailed on Monday. It worked for months.",
        ),
        (
            "Dashboard widget shows 'No data'",
            "The '{report}' widget on our dashboard shows 'No data' for the last {count} days.",
        ),
        (
            "Add a column to the payouts report",
            "Could the payouts report include the fee per transaction as its own column? Our"
            " finance team rebuilds it by hand every month.",
        ),
    ),
    "data-export": (
        (
            "CSV export times out",
            "Exporting {count} orders as CSV fails after a few minutes with 'export failed'."
            " Smaller date ranges work.",
        ),
        (
            "SFTP export missing files since {date}",
            "Our nightly SFTP export has not delivered files since {date}. The SFTP host and"
            " credentials did not change.",
        ),
        (
            "Export has broken encoding",
            "Customer names with accents look like 'MÃ¼ller' in the exported CSV when opened in"
            " Excel.",
        ),
        (
            "GDPR data export request",
            "A customer asked for all their personal data under GDPR. How do we export"
            " everything you store about one person?",
        ),
    ),
}

GENERAL = (
    ("Question about our contract", "Who is our account manager and when does our contract renew?"),
    (
        "Feedback on the new dashboard",
        "The new dashboard is great, but the filters were easier"
        " to find before. Just wanted to share that.",
    ),
    (
        "Request for a security questionnaire",
        "Our security team needs your completed vendor"
        " security questionnaire and latest SOC 2 report.",
    ),
)

OPENERS = ("Hi,", "Hello,", "Hi team,", "Hello support,", "Good morning,", "Hi there,", "Hey,")
CLOSERS = (
    "Thanks in advance.",
    "Can you please look into this?",
    "This is urgent for us.",
    "Thanks for your help!",
    "Let me know if you need anything else.",
    "Looking forward to your reply.",
    "",
)
EXTRAS = (
    "We tried on two different networks.",
    "A colleague sees the same thing.",
    "It started right after your maintenance window.",
    "Screenshots can be provided if needed.",
    "This affects roughly {pct}% of our customers.",
    "We did not change anything in our integration.",
    "Our account ID is {account}.",
)

_DETAILS = {
    "http": ("500", "502", "503", "504", "429"),
    "decline": ("do_not_honor", "insufficient_funds", "card_velocity_exceeded", "generic_decline"),
    "card": ("Visa", "Mastercard", "Amex", "Maestro"),
    "browser": ("Chrome 131", "Safari 18", "Firefox 133", "Edge 131", "Samsung Internet"),
    "device": ("iPhone 15", "iPhone 13", "Pixel 8", "Galaxy S23", "iPad Air", "OnePlus 12"),
    "os": ("iOS 18.1", "iOS 17.6", "Android 15", "Android 14"),
    "app_version": ("5.12.0", "5.12.1", "5.13.0", "5.11.4"),
    "country": ("Germany", "Brazil", "India", "Japan", "Mexico", "Poland", "Kenya", "Canada"),
    "plan": ("Growth", "Business", "Enterprise", "Starter"),
    "idp": ("Okta", "Azure AD", "Google Workspace", "OneLogin", "Keycloak"),
    "sso_error": ("SAML response signature invalid", "Audience mismatch", "NameID missing"),
    "report": ("Revenue by day", "Refunds", "Payouts", "Top products", "Churn"),
    "month": ("August", "September", "October", "November"),
    "promo": ("WINTER25", "WELCOME10", "BLACKFRIDAY", "FREESHIP"),
}


def details(rng: random.Random) -> dict[str, str]:
    values = {key: rng.choice(options) for key, options in _DETAILS.items()}
    values.update(
        time=f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} UTC",
        date=f"{rng.randint(1, 28)} {values['month']}",
        pct=str(rng.choice((2, 5, 10, 15, 20, 30, 40))),
        req=f"req_{rng.getrandbits(48):012x}",
        order=f"ORD-{rng.randint(100000, 999999)}",
        invoice=f"INV-2026-{rng.randint(10000, 99999)}",
        amount=f"${rng.randint(5, 4000)}.{rng.randint(0, 99):02d}",
        count=str(rng.randint(3, 400)),
        latency=str(rng.randint(900, 6000)),
        minutes=str(rng.randint(15, 180)),
        seconds=str(rng.randint(4, 30)),
        seats=str(rng.randint(5, 800)),
        account=f"acct_{rng.randint(10000, 99999)}",
    )
    return values


def compose(rng: random.Random, service: str | None, first_name: str) -> tuple[str, str]:
    """A subject and a first message for a ticket about `service`."""
    pool = TEMPLATES.get(service or "", GENERAL)
    subject, body = rng.choice(pool)
    slots = details(rng)
    lines = [rng.choice(OPENERS), "", body.format(**slots)]
    if rng.random() < 0.5:
        lines.append(rng.choice(EXTRAS).format(**slots))
    closer = rng.choice(CLOSERS)
    if closer:
        lines += ["", closer]
    lines += ["", first_name]
    return subject.format(**slots)[:250], "\n".join(lines)
