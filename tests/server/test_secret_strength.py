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
