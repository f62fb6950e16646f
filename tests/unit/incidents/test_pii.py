from __future__ import annotations

from csops.domains.incidents.pii import luhn_ok, mask


def test_emails_phones_cards_and_names_are_masked() -> None:
    text = (
        "Hi, my name is John Smith. Call me on +1 (555) 123-4567 or john.smith@mail.example. "
        "My card 4111 1111 1111 1111 was declined. Regards, Alice"
    )
    out = mask(text, names=["John Smith"])
    assert "john.smith@mail.example" not in out and "[email]" in out
    assert "555" not in out and "[phone]" in out
    assert "4111 1111 1111 1111" not in out and "[card ••••1111]" in out
    assert "John" not in out and "Smith" not in out and "Alice" not in out
    assert "was declined" in out


def test_luhn_and_non_card_numbers() -> None:
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")
    assert mask("Error 502 at 10:30") == "Error 502 at 10:30"
