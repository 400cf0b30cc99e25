"""Issue 13, finding 7: weak but long secrets are refused; random ones never are."""

import secrets

import pytest

from server.settings import InsecureSettings, ServerSettings, strong


@pytest.mark.parametrize("weak", ["changeme" * 4, "a" * 36, "ab" * 20, "password1" * 4, " " * 40, "0123456789" * 4])
def test_weak_but_long_secrets_are_refused(weak):
    assert not strong(weak)
    with pytest.raises(InsecureSettings, match="guessable"):
        ServerSettings(secret=weak).checked()


def test_random_secrets_of_the_documented_kinds_pass():
    drawn = [secrets.token_urlsafe(32) for _ in range(500)] + [secrets.token_hex(16) for _ in range(500)]
    assert all(strong(s) for s in drawn)


@pytest.mark.parametrize("weak", ["password", "Password1", "12345678", "changeme!", "aaaaaaaaaa", "abcabcabc", "abab1212", "alice2024!", "qwerty123"])
def test_passwords_a_guesser_tries_first_are_refused_for_new_users_and_resets(record, weak):
    from annotate import accounts
    from annotate.review.operations import Review

    with pytest.raises(accounts.AccountError):
        accounts.add_user(record, "alice", "reviewer", weak)
    accounts.add_user(record, "alice", "reviewer", "correct horse battery")
    with pytest.raises(accounts.AccountError):
        accounts.reset_password(Review(record, "root", "ui", "admin"), "alice", weak)


def test_passphrases_and_random_passwords_pass():
    from annotate import accounts

    for good in ["correct horse battery", "a bench passphrase", secrets.token_urlsafe(12), "Tr0ub4dor&3x"]:
        accounts.check_password_strength(good, "alice")
