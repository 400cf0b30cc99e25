"""Issue 13, finding 5: admins manage accounts from the web page too; each change is a ledger
decision under the admin's name, access ends at once, and `audit verify` stays green."""

from fastapi.testclient import TestClient

from annotate import accounts
from annotate.store.verify import verify
from tests.server.reviewdesk import PASSWORD, csrf_of


def post(admin, path: str, **data):
    page = admin.get("/admin/users")
    return admin.post(path, data={"csrf_token": csrf_of(page.text), **data})


def test_only_admins_see_the_accounts_page(signed_in, record):
    accounts.add_user(record, "root", "admin", PASSWORD)
    assert signed_in("lea").get("/admin/users").status_code == 403
    page = signed_in("root").get("/admin/users")
    assert page.status_code == 200 and 'id="user-alice"' in page.text and "Accounts</a>" in page.text


def test_an_admin_deactivates_changes_a_role_resets_a_password_and_revokes_tokens(app, signed_in, record, ledger):
    accounts.add_user(record, "root", "admin", PASSWORD)
    root, alice = signed_in("root"), signed_in("alice")
    first, second = (accounts.create_api_token(record, "bob", label) for label in ("one", "two"))
    one_id = accounts.token_hash(first)[:12]
    ledger.mark()

    assert "is now lead" in post(root, "/admin/users/bob/role", role="lead", why="runs the desk").text
    done = post(root, "/admin/users/bob/revoke", token=one_id)
    assert done.status_code == 200 and f"Revoked token {one_id}" in done.text
    assert "Deactivated alice" in post(root, "/admin/users/alice/deactivate", why="left").text
    assert "New password for lea" in post(root, "/admin/users/lea/password", password="another long passphrase").text

    assert [(d["actor"], d["origin"], d["action"]) for d in ledger.since()] == [
        ("root", "ui", "user.role_changed"),
        ("root", "ui", "user.tokens_revoked"),
        ("root", "ui", "user.deactivated"),
        ("root", "ui", "user.password_reset"),
    ]
    assert ledger.since()[1]["evidence"] == [{"tokens": [one_id]}]  # which token, never its secret
    assert alice.get("/queue").status_code == 303  # signed out at once
    with TestClient(app) as api:
        assert api.get("/api/me", headers={"Authorization": f"Bearer {first}"}).status_code == 401
        assert api.get("/api/me", headers={"Authorization": f"Bearer {second}"}).json()["role"] == "lead"
    assert verify(record.engine).ok


def test_refusals_are_shown_on_the_page_and_nothing_is_decided(signed_in, record, ledger):
    accounts.add_user(record, "root", "admin", PASSWORD)
    root = signed_in("root")
    ledger.mark()
    last = post(root, "/admin/users/root/deactivate")
    assert last.status_code == 422 and "last active admin" in last.text
    assert post(root, "/admin/users/alice/password", password="short").status_code == 422
    assert post(root, "/admin/users/nobody/role", role="lead").status_code == 404
    assert post(root, "/admin/users/alice/revoke").status_code == 404  # no live token
    assert ledger.since() == []
    added = post(root, "/admin/users", name="carol", role="reviewer", password="a long enough one")
    assert added.status_code == 200 and 'id="user-carol"' in added.text
    assert [d["action"] for d in ledger.since()] == ["user.added"] and ledger.since()[0]["actor"] == "root"


def test_a_reviewer_cannot_change_accounts_by_posting_the_forms(signed_in, ledger):
    alice = signed_in("alice")
    ledger.mark()
    page = alice.get("/queue")
    response = alice.post("/admin/users/alice/role", data={"csrf_token": csrf_of(page.text), "role": "admin"})
    assert response.status_code == 403 and ledger.since() == []
