"""Fixtures for the web app against the real record (SQLite, and PostgreSQL when configured)."""

import pytest
from argon2 import PasswordHasher

from annotate import accounts
from server.app import create_app
from server.settings import ServerSettings
from tests.factories import Desk, Ledger
from tests.server.reviewdesk import PASSWORD, SECRET, Reviewer, browsers


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """Argon2id with tiny costs: the tests exercise the flow, not the work factor."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1))


@pytest.fixture
def desk(record) -> Desk:
    return Desk(record)


@pytest.fixture
def settings_for(record):
    return lambda **kw: ServerSettings(record=record.settings, secret=SECRET, **kw)


@pytest.fixture
def app(record, settings_for):
    return create_app(settings_for())


@pytest.fixture
def users(record) -> dict:
    return {name: accounts.add_user(record, name, role, PASSWORD) for name, role in [("alice", "reviewer"), ("bob", "reviewer"), ("lea", "lead")]}


@pytest.fixture
def signed_in(app, users):
    """signed_in("alice") → a Reviewer with its own cookies, signed in."""
    with browsers(app) as make:
        yield make


@pytest.fixture
def alice(signed_in) -> Reviewer:
    return signed_in("alice")


@pytest.fixture
def ledger(record) -> Ledger:
    return Ledger(record)
