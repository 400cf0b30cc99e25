"""Accounts, sessions, CSRF, throttling, tokens, and the app's refusal to start unsafely."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from annotate import accounts
from annotate.store.db import SchemaOutOfDate
from annotate.store.models import ApiToken, Credential, Decision
from server.app import CSP, create_app
from server.settings import InsecureSettings, ServerSettings
from tests.server.reviewdesk import PASSWORD, SECRET, Reviewer, csrf_of


def cookie_header(response, name: str) -> str:
    return next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(name + "="))


def test_sign_in_sets_a_hardened_session_cookie_and_a_new_one_each_time(app, users):
    client = TestClient(app, follow_redirects=False)
    reviewer = Reviewer(client, "alice")
    first = reviewer.sign_in()
    assert first.status_code == 303 and first.headers["location"] == "/queue"
    cookie = cookie_header(first, "ct_session")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    old = client.cookies.get("ct_session")
    assert reviewer.sign_in().status_code == 303
    assert client.cookies.get("ct_session") != old  # a new session id at sign-in
    stale = TestClient(app, follow_redirects=False, cookies={"ct_session": old})
    assert stale.get("/queue").status_code == 303  # the previous session ended on the server


def test_behind_https_the_cookie_is_secure_and_host_only(app, users):
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    response = Reviewer(client, "alice").sign_in()
    cookie = cookie_header(response, "__Host-ct_session")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    assert client.get("/queue").status_code == 200


def test_wrong_password_is_refused_with_one_message_for_both_cases(app, users):
    client = TestClient(app, follow_redirects=False)
    for name in ("alice", "nobody"):
        response = Reviewer(client, name).sign_in("wrong password")
        assert response.status_code == 401 and "Wrong name or password." in response.text


def test_sign_in_is_throttled_after_repeated_failures(app, users):
    client = TestClient(app, follow_redirects=False)
    reviewer = Reviewer(client, "alice")
    for _ in range(5):
        assert reviewer.sign_in("guess").status_code == 401
    blocked = reviewer.sign_in()  # even the right password waits now
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert "Too many failed sign-ins" in blocked.text
    assert Reviewer(TestClient(app, follow_redirects=False), "bob").sign_in().status_code == 303


def test_sign_out_ends_the_session_on_the_server(alice, app):
    cookie = alice.client.cookies.get("ct_session")
    response = alice.post("/logout", htmx=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    replay = TestClient(app, follow_redirects=False, cookies={"ct_session": cookie})
    assert replay.get("/queue").headers["location"].startswith("/login")


def test_pages_need_a_session_and_say_where_to_go(app):
    client = TestClient(app, follow_redirects=False)
    page = client.get("/documents/1?focus=claim-1")
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fdocuments%2F1%3Ffocus%3Dclaim-1"
    partial = client.get("/documents/1", headers={"HX-Request": "true"})
    assert partial.status_code == 401 and partial.headers["hx-redirect"].startswith("/login")
    assert client.get("/api/me").status_code == 401


def test_next_only_leads_to_this_site(app, users):
    client = TestClient(app, follow_redirects=False)
    page = client.get("/login?next=//evil.example/x")
    assert 'name="next" value="/queue"' in page.text
    response = client.post("/login", data={"name": "alice", "password": PASSWORD, "next": "https://evil.example/", "csrf_token": csrf_of(page.text)})
    assert response.headers["location"] == "/queue"


@pytest.mark.parametrize(
    "headers, data",
    [
        ({"HX-Request": "true"}, {}),  # no token at all
        ({"HX-Request": "true", "X-CSRF-Token": "0" * 64}, {}),  # a wrong one
        ({}, {"csrf_token": "not-it"}),
    ],
)
def test_state_changing_requests_need_the_csrf_token(alice, desk, ledger, headers, data):
    doc = desk.document("Officials said the market reopened.")
    claim = desk.claim(doc, "Officials said the market reopened.")
    ledger.mark()
    response = alice.client.post(f"/review/claim/{claim}/accept", data={"version": 1, **data}, headers=headers)
    assert response.status_code == 403 and "CSRF" in response.text
    assert ledger.written() == []


def test_cross_site_requests_are_refused_even_with_a_token(alice, desk, ledger):
    doc = desk.document("Officials said the market reopened.")
    claim = desk.claim(doc, "Officials said the market reopened.")
    ledger.mark()
    for extra in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        headers = {"HX-Request": "true", "X-CSRF-Token": alice.csrf, **extra}
        assert alice.client.post(f"/review/claim/{claim}/accept", data={"version": 1}, headers=headers).status_code == 403
    assert ledger.written() == []
    same = {"HX-Request": "true", "X-CSRF-Token": alice.csrf, "Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    assert alice.client.post(f"/review/claim/{claim}/accept", data={"version": 1}, headers=same).status_code == 200


def test_the_sign_in_form_itself_needs_its_token(app, users):
    client = TestClient(app, follow_redirects=False)
    client.get("/login")
    assert client.post("/login", data={"name": "alice", "password": PASSWORD}).status_code == 403


def test_api_tokens_work_as_bearer_only_and_sessions_only_as_cookies(app, record, users, alice):
    token = accounts.create_api_token(record, "alice", "script")
    api = TestClient(app)
    assert api.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json() == {"name": "alice", "role": "reviewer"}
    assert api.get("/api/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    session_token = app.state.auth.session_token_from(alice.client.cookies.get("ct_session"))
    assert api.get("/api/me", headers={"Authorization": f"Bearer {session_token}"}).status_code == 401
    with record.session() as s:
        stored = s.execute(select(ApiToken.token_hash)).scalars().all()
    assert token not in stored and accounts.token_hash(token) in stored


def test_password_hashes_are_argon2id_and_never_in_the_ledger(record, users):
    with record.session() as s:
        hashes = s.execute(select(Credential.password_hash)).scalars().all()
        ledger_text = " ".join(d.after for d in s.execute(select(Decision)).scalars())
    assert all(h.startswith("$argon2id$") for h in hashes) and len(hashes) == 3
    assert "argon2" not in ledger_text and PASSWORD not in ledger_text
    assert accounts._hasher.verify(hashes[0], PASSWORD)


def test_accounts_refuse_bad_names_roles_short_passwords_and_duplicates(record):
    for name, role, password in [("a@b", "reviewer", PASSWORD), ("ann", "boss", PASSWORD), ("ann", "reviewer", "short")]:
        with pytest.raises(accounts.AccountError):
            accounts.add_user(record, name, role, password)
    accounts.add_user(record, "ann", "reviewer", PASSWORD)
    with pytest.raises(accounts.AccountError, match="exists"):
        accounts.add_user(record, "ann", "lead", PASSWORD)


@pytest.mark.parametrize("secret", ["", "secret", "changeme", "short-but-random"])
def test_the_app_refuses_to_start_without_a_real_secret(record, secret):
    with pytest.raises(InsecureSettings, match="CLAIMTRAIL_SECRET"):
        create_app(ServerSettings(record=record.settings, secret=secret))
    assert create_app(ServerSettings(record=record.settings, secret=secret), demo=True).state.settings.secret not in ("", secret)


def test_the_app_refuses_to_start_on_an_old_schema(tmp_path):
    from annotate.config import Settings

    empty = Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'empty.sqlite'}")
    with pytest.raises(SchemaOutOfDate, match="claimtrail init"):
        create_app(ServerSettings(record=empty, secret=SECRET))


def test_every_response_carries_the_security_headers(app, alice):
    for response in (alice.get("/queue"), alice.client.get("/static/review.js"), TestClient(app).get("/login")):
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "unsafe-inline" not in CSP and "frame-ancestors 'none'" in CSP and "script-src 'self';" in CSP
    assert alice.get("/queue").headers["cache-control"] == "no-store"


def test_templates_autoescape(app):
    assert app.state.templates.env.autoescape is True


def test_user_commands_add_a_user_and_print_a_working_token(record, app, monkeypatch):
    from server.cli import app as cli

    monkeypatch.setenv("CLAIMTRAIL_PASSWORD", PASSWORD)
    db = ["--db", record.settings.resolved_database_url]
    runner = CliRunner()
    added = runner.invoke(cli, ["user", "add", "zoe", "--role", "lead", *db])
    assert added.exit_code == 0, added.output
    assert runner.invoke(cli, ["user", "add", "zoe", *db]).exit_code == 1
    token = runner.invoke(cli, ["user", "token", "zoe", "--label", "nightly", *db]).stdout.strip().splitlines()[-1]
    assert TestClient(app).get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()["role"] == "lead"
    with record.session() as s:
        assert s.execute(select(Decision.action, Decision.actor).where(Decision.action == "user.added")).all() == [("user.added", "cli")]
