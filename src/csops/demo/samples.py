"""Optional real customer wording for the demo, read from public data sets when present.

Nothing is copied into the repository; when the folder is missing the demo uses its own
templates only. Sources (see each folder's README):
- BANKING77 (PolyAI, CC BY 4.0; Casanueva et al. 2020): short online-banking questions,
  used for consumer tickets about payments, billing, sign-in and the app.
- CFPB Consumer Complaint Database (US public domain): complaint narratives about cards,
  accounts and money transfers, used for a few long complaint tickets.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

ATTRIBUTION = (
    "Some demo ticket text comes from BANKING77 (PolyAI, CC BY 4.0, Casanueva et al. 2020)"
    " and the CFPB Consumer Complaint Database (US public domain)."
)

# BANKING77 intent -> the demo service it is about.
BANKING77_SERVICES: dict[str, str] = {
    **dict.fromkeys(
        (
            "declined_card_payment card_payment_not_recognised pending_card_payment"
            " reverted_card_payment? transaction_charged_twice card_payment_wrong_exchange_rate"
            " declined_transfer failed_transfer pending_transfer cancel_transfer"
            " transfer_not_received_by_recipient beneficiary_not_allowed card_not_working"
        ).split(),
        "payments-api",
    ),
    **dict.fromkeys(
        "apple_pay_or_google_pay contactless_not_working card_acceptance virtual_card_not_working"
        " supported_cards_and_currencies".split(),
        "checkout",
    ),
    **dict.fromkeys(
        "card_payment_fee_charged extra_charge_on_statement exchange_charge transfer_fee_charged"
        " top_up_by_card_charge Refund_not_showing_up request_refund"
        " direct_debit_payment_not_recognised terminate_account".split(),
        "billing",
    ),
    **dict.fromkeys(
        "passcode_forgotten pin_blocked verify_my_identity unable_to_verify_identity"
        " why_verify_identity lost_or_stolen_phone edit_personal_details".split(),
        "login-sso",
    ),
    **dict.fromkeys(
        "top_up_failed top_up_reverted pending_top_up exchange_via_app get_disposable_virtual_card"
        " getting_virtual_card".split(),
        "mobile-app",
    ),
    **dict.fromkeys("card_arrival card_delivery_estimate".split(), "notifications"),
    **dict.fromkeys("balance_not_updated_after_bank_transfer".split(), "reporting"),
}
CFPB_PRODUCTS = (
    "Credit card or prepaid card",
    "Checking or savings account",
    "Money transfer, virtual currency, or money service",
)
MAX_NARRATIVE = 1800


@dataclass
class Samples:
    questions: dict[str, list[tuple[str, str]]] = field(
        default_factory=dict
    )  # slug -> (intent, text)
    complaints: list[tuple[str, str]] = field(default_factory=list)  # (issue, narrative)
    source: Path | None = None

    @property
    def empty(self) -> bool:
        return not self.questions and not self.complaints

    def question(self, rng: random.Random, slug: str) -> tuple[str, str] | None:
        """A subject and description from a real customer question, if there are any."""
        pool = self.questions.get(slug)
        if not pool:
            return None
        intent, text = rng.choice(pool)
        label = intent.rstrip("?").replace("_", " ").capitalize()
        subject = text if len(text) <= 90 and rng.random() < 0.5 else label
        return subject, text

    def complaint(self, rng: random.Random) -> tuple[str, str] | None:
        if not self.complaints:
            return None
        return rng.choice(self.complaints)


def default_locations() -> list[Path]:
    repo = Path(__file__).resolve().parents[3]
    return [Path.cwd().parent / "shared" / "data", repo.parent / "shared" / "data"]


def _trim(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= MAX_NARRATIVE:
        return text
    cut = text[:MAX_NARRATIVE]
    return cut[: cut.rfind(". ") + 1] or cut


def load(folder: Path | None) -> Samples:
    """Reads what is there; a missing or unreadable folder gives empty samples."""
    candidates = [folder] if folder is not None else default_locations()
    for base in candidates:
        banking = base / "banking77" / "train.csv"
        cfpb = base / "cfpb_complaints_sample" / "complaints_with_narrative.csv"
        if not banking.is_file() and not cfpb.is_file():
            continue
        samples = Samples(source=base)
        try:
            if banking.is_file():
                with banking.open(newline="", encoding="utf-8") as handle:
                    for row in csv.DictReader(handle):
                        slug = BANKING77_SERVICES.get(row.get("category", ""))
                        text = (row.get("text") or "").strip()
                        if slug and 12 <= len(text) <= 400:
                            samples.questions.setdefault(slug, []).append((row["category"], text))
            if cfpb.is_file():
                with cfpb.open(newline="", encoding="utf-8") as handle:
                    for row in csv.DictReader(handle):
                        narrative = row.get("Consumer complaint narrative") or ""
                        masked = narrative.count("XXXX")
                        if (
                            row.get("Product") in CFPB_PRODUCTS
                            and 200 < len(narrative)
                            and masked < 8
                        ):
                            samples.complaints.append(
                                (row.get("Issue") or "Complaint", _trim(narrative))
                            )
        except (OSError, csv.Error, UnicodeDecodeError, KeyError):
            return Samples()
        return samples
    return Samples()
