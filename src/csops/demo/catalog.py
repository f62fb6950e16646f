"""The cast of the demo: organizations, teams, services, staff, customers, macros, views.

Company names are the well-known fictional ones of product demos; every address is under
the reserved `.example` top-level domain, so no demo email can ever reach a real person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from csops.domains.accounts.models import Role, Tier

DEMO_PASSWORD = "csops-demo"  # noqa: S105 (printed for the demo logins, on purpose)
STAFF_DOMAIN = "csops.example"
ADMIN_EMAIL = f"admin@{STAFF_DOMAIN}"


@dataclass(frozen=True)
class OrgSpec:
    name: str
    domain: str
    tier: Tier
    weight: float  # share of tickets relative to the others
    notes: str = ""


ORGANIZATIONS = (
    OrgSpec("Northwind Traders", "northwind.example", Tier.enterprise, 3.0, "EU + US, 24/7 SLA"),
    OrgSpec("Contoso Pharmacy", "contoso.example", Tier.enterprise, 2.6, "Regulated: audit trail"),
    OrgSpec("Fabrikam Outdoor", "fabrikam.example", Tier.premium, 2.0),
    OrgSpec("Tailspin Travel", "tailspin.example", Tier.premium, 1.8, "Peak season Jun-Aug"),
    OrgSpec("Wide World Importers", "wideworld.example", Tier.standard, 1.4),
    OrgSpec("Adventure Works Cycles", "adventure-works.example", Tier.standard, 1.2),
    OrgSpec("Litware Books", "litware.example", Tier.free, 0.7, "Self-serve plan"),
)
CONSUMER_DOMAINS = ("mail.example", "inbox.example", "post.example")


@dataclass(frozen=True)
class TeamSpec:
    name: str
    description: str


TEAMS = (
    TeamSpec("Payments", "Payments API, Checkout and Billing: money in, money out."),
    TeamSpec("Identity & Platform", "Sign-in, notifications and the public status page."),
    TeamSpec("Apps & Web", "The mobile app and search across the product."),
    TeamSpec("Data & Reporting", "Reports, dashboards and data exports."),
)


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    slug: str
    team: str
    weight: float
    description: str


SERVICES = (
    ServiceSpec("Payments API", "payments-api", "Payments", 2.4, "Card and bank payments API"),
    ServiceSpec("Checkout", "checkout", "Payments", 2.0, "Hosted checkout pages and widgets"),
    ServiceSpec("Billing", "billing", "Payments", 1.8, "Invoices, plans, refunds, tax"),
    ServiceSpec("Login & SSO", "login-sso", "Identity & Platform", 1.6, "Passwords, 2FA, SAML"),
    ServiceSpec("Notifications", "notifications", "Identity & Platform", 1.0, "Email/SMS/push"),
    ServiceSpec("Status Page", "status-page", "Identity & Platform", 0.4, "Public status page"),
    ServiceSpec("Mobile App", "mobile-app", "Apps & Web", 1.7, "iOS and Android apps"),
    ServiceSpec("Search", "search", "Apps & Web", 0.8, "Product and order search"),
    ServiceSpec("Reporting", "reporting", "Data & Reporting", 1.0, "Dashboards and reports"),
    ServiceSpec("Data Export", "data-export", "Data & Reporting", 0.7, "CSV/SFTP/webhook exports"),
)


@dataclass(frozen=True)
class StaffSpec:
    name: str
    role: Role
    teams: tuple[str, ...]

    @property
    def email(self) -> str:
        if self.role == Role.admin:
            return ADMIN_EMAIL
        return self.name.lower().replace(" ", ".").replace("'", "") + f"@{STAFF_DOMAIN}"


_ALL_TEAMS = tuple(team.name for team in TEAMS)
STAFF = (
    StaffSpec("Alex Morgan", Role.admin, _ALL_TEAMS),
    StaffSpec("Priya Raman", Role.manager, ("Payments", "Data & Reporting")),
    StaffSpec("Daniel Okafor", Role.manager, ("Identity & Platform", "Apps & Web")),
    StaffSpec("Sam Lee", Role.agent, ("Payments",)),
    StaffSpec("Maria Garcia", Role.agent, ("Payments",)),
    StaffSpec("Tom Becker", Role.agent, ("Payments", "Data & Reporting")),
    StaffSpec("Aisha Khan", Role.agent, ("Identity & Platform",)),
    StaffSpec("Lucas Silva", Role.agent, ("Identity & Platform",)),
    StaffSpec("Mei Chen", Role.agent, ("Apps & Web",)),
    StaffSpec("Oliver Smith", Role.agent, ("Apps & Web",)),
    StaffSpec("Nadia Petrova", Role.agent, ("Data & Reporting",)),
    StaffSpec("Kwame Mensah", Role.agent, ("Apps & Web", "Identity & Platform")),
    StaffSpec("Hannah Schmidt", Role.agent, ("Payments", "Apps & Web")),
    StaffSpec("Ravi Patel", Role.engineer, ("Payments",)),
    StaffSpec("Elena Rossi", Role.engineer, ("Identity & Platform",)),
    StaffSpec("Jonas Berg", Role.engineer, ("Apps & Web",)),
    StaffSpec("Fatima Zahra", Role.engineer, ("Data & Reporting",)),
)

FIRST_NAMES = (
    "Emma James Sofia Liam Olivia Noah Ava Lucas Mia Ethan Amelia Mateo Isla Leo Chloe Arjun "
    "Zoe Kenji Yuki Hiro Lina Omar Sara Ahmed Ana Diego Lea Felix Clara Jonas Ines Tariq "
    "Grace Samuel Ruth David Nora Victor Elif Can Anika Rohan Maya Ben Julia Marco Laura "
    "Pedro Ingrid Lars Aiko Wei Jun Li Chen Thabo Zanele Kofi Ama Dmitri Olga"
).split()
LAST_NAMES = (
    "Smith Johnson Brown Garcia Martinez Lopez Nguyen Kim Park Tanaka Sato Müller Schneider "
    "Fischer Weber Rossi Bianchi Dubois Martin Bernard Silva Santos Costa Novak Kowalski "
    "Nowak Jensen Hansen Larsen Andersson Nilsson Okoye Adeyemi Mensah Haddad Khalil Cohen "
    "Levi Shah Gupta Singh Iyer Wang Zhang Liu Chen Ahmed Hussain Yilmaz Demir O'Brien Murphy "
    "Walsh Fraser Campbell Kaur Sharma Dlamini Petrov Ivanova"
).split()


@dataclass(frozen=True)
class CustomerSpec:
    name: str
    email: str
    org: str | None
    is_org_admin: bool


def make_customers(rng: random.Random, count: int) -> list[CustomerSpec]:
    """Customers spread over the organizations by weight; about one in six is a consumer."""
    weights = [org.weight for org in ORGANIZATIONS]
    seen: set[str] = set()
    people: list[CustomerSpec] = []
    admins: set[str] = set()
    while len(people) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = f"{first}.{last}".lower().replace("'", "").replace("ü", "ue")
        if rng.random() < 0.17:
            org, domain = None, rng.choice(CONSUMER_DOMAINS)
        else:
            spec = rng.choices(ORGANIZATIONS, weights)[0]
            org, domain = spec.name, spec.domain
        email = f"{local}@{domain}"
        if email in seen:
            continue
        seen.add(email)
        is_admin = False
        if org is not None and org not in admins:  # the first contact administers the org
            admins.add(org)
            is_admin = True
        people.append(CustomerSpec(f"{first} {last}", email, org, is_admin))
    return people


@dataclass(frozen=True)
class MacroSpec:
    name: str
    body: str
    public: bool
    actions: dict[str, object]


MACROS = (
    MacroSpec(
        "Ask for more details",
        "Hi {{requester.name}},\n\nThanks for reaching out. To look into this, could you send"
        " us the order or request ID, the time it happened (with time zone) and a screenshot of"
        " the error?\n\nBest regards",
        True,
        {"status": "pending"},
    ),
    MacroSpec(
        "Solved: fix confirmed",
        "Hi {{requester.name}},\n\nWe have deployed a fix and confirmed it on our side. If you"
        " still see the problem, just reply to this message and the ticket reopens.\n\nThanks"
        " for your patience!",
        True,
        {"status": "solved"},
    ),
    MacroSpec(
        "Known incident: we're on it",
        "Hi {{requester.name}},\n\nThis is caused by an incident our engineers are working on"
        " right now. You can follow progress on our status page; we will update you here as"
        " soon as it is resolved.",
        True,
        {"status": "on-hold", "add_tags": ["incident"]},
    ),
    MacroSpec(
        "Refund issued",
        "Hi {{requester.name}},\n\nWe have issued a refund. It usually shows on the statement"
        " within 5 to 10 business days, depending on the bank.\n\nKind regards",
        True,
        {"status": "solved", "add_tags": ["refund"]},
    ),
    MacroSpec(
        "Escalate to engineering",
        "Escalating: reproduced on our side, customer impact confirmed. Engineering please"
        " check logs for the timestamps in the thread.",
        False,
        {"priority": "high", "add_tags": ["escalated"]},
    ),
    MacroSpec(
        "Password reset steps",
        "Hi {{requester.name}},\n\nPlease use 'Forgot password' on the sign-in page; the link"
        " is valid for 30 minutes. If your company uses single sign-on, sign in through your"
        " identity provider instead. Let us know if that does not work.",
        True,
        {"status": "pending"},
    ),
)
