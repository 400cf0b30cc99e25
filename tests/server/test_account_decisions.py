"""Issue 13, finding 5: deactivate a user, change a role, reset a password, revoke and expire
tokens, each as a ledger decision from the CLI; access ends at once and `audit verify` stays
green (before, the only way was a database edit, which `audit verify` reported as drift)."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from typer.testing import CliRunner

from annotate import accounts
from annotate.cli import app as cli
from annotate.errors import Forbidden
from annotate.review.operations import Review
from annotate.store.models import ApiToken
from tests.server.reviewdesk import PASSWORD

runner = CliRunner()


def claimtrail(record, *args, password: str | None = None):
    env = {"CLAIMTRAIL_HOME": str(record.settings.home), "COLUMNS": "200", **({"CLAIMTRAIL_PASSWORD": password} if password else {})}
    return runner.invoke(cli, [*args, "--db", record.settings.resolved_database_url], env=env)


def test_deactivating_ends_sessions_and_tokens_at_once_and_the_audit_stays_green(app, record, users, alice, ledger):
    token = accounts.create_api_token(record, "alice", "script")
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as api:
        assert api.get("/api/me").status_code == 200
        ledger.mark()
        result = claimtrail(record, "user", "deactivate", "alice", "--why", "left the team")
        assert result.exit_code == 0, result.output
        assert api.get("/api/me").status_code == 401
    assert alice.get("/queue").status_code == 303  # the browser session is over too
    assert [(d["actor"], d["action"], d["rationale"]) for d in ledger.since()] == [("cli", "user.deactivated", "left the team")]
    assert claimtrail(record, "audit", "verify").exit_code == 0
    assert claimtrail(record, "user", "reactivate", "alice").exit_code == 0
    assert alice.sign_in().status_code == 303
    assert claimtrail(record, "audit", "verify").exit_code == 0


def test_role_change_and_password_reset_are_decisions(record, users, signed_in, ledger):
    lea = signed_in("lea")
    ledger.mark()
    assert claimtrail(record, "user", "role", "bob", "lead").exit_code == 0
    assert claimtrail(record, "user", "password", "lea", password="a new long passphrase").exit_code == 0
    assert [d["action"] for d in ledger.since()] == ["user.role_changed", "user.password_reset"]
    assert lea.get("/queue").status_code == 303  # a new password ends the old sessions
    assert lea.sign_in(PASSWORD).status_code != 303 and lea.sign_in("a new long passphrase").status_code == 303
    assert claimtrail(record, "audit", "verify").exit_code == 0


def test_the_last_admin_stays_and_only_admins_manage_accounts(record, users):
    accounts.add_user(record, "root", "admin", PASSWORD)
    result = claimtrail(record, "user", "deactivate", "root")
    assert result.exit_code != 0 and "last active admin" in result.output
    with pytest.raises(Forbidden):
        accounts.deactivate(Review(record, "lea", "ui", "lead"), "alice")


def test_api_tokens_are_listed_revoked_one_by_one_and_expire(app, record, users):
    first, second = (accounts.create_api_token(record, "alice", label) for label in ("one", "two"))
    listed = claimtrail(record, "user", "tokens", "alice").output.splitlines()
    assert len(listed) == 2 and all("live" in line for line in listed)
    one_id = next(line.split()[0] for line in listed if line.endswith("one"))
    assert claimtrail(record, "user", "revoke", "alice", "--token", one_id).exit_code == 0
    with TestClient(app) as api:
        assert api.get("/api/me", headers={"Authorization": f"Bearer {first}"}).status_code == 401
        assert api.get("/api/me", headers={"Authorization": f"Bearer {second}"}).status_code == 200
        old = (datetime.now(UTC) - timedelta(days=91)).isoformat()
        with record.session() as session:
            session.execute(update(ApiToken).where(ApiToken.token_hash == accounts.token_hash(second)).values(created_at=old))
            session.commit()
        assert api.get("/api/me", headers={"Authorization": f"Bearer {second}"}).status_code == 401
