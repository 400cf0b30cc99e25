"""The audit page, its CSV, reverting from the page, and export downloads on the web."""

import csv
import io
import json
import zipfile

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from annotate import accounts
from annotate.review.audit import AuditFilter, Viewer, audit_log
from server.app import create_app  # noqa: E402
from server.routes import audit as audit_routes  # noqa: E402
from server.settings import ServerSettings  # noqa: E402
from tests.server.reviewdesk import PASSWORD, SECRET, browsers


@pytest.fixture
def browser(story, monkeypatch):
    """browser("alice") → a signed-in client; alice and bob review, carol leads."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1))
    for name, role in (("alice", "reviewer"), ("bob", "reviewer"), ("carol", "lead")):
        accounts.add_user(story.record, name, role, PASSWORD)
    with browsers(create_app(ServerSettings(record=story.record.settings, secret=SECRET))) as make:
        yield make


def test_a_lead_sees_everyone_with_the_chain_status(story, browser):
    page = browser("carol").get("/audit")
    assert page.status_code == 200 and page.template.name == "pages/audit.html"
    assert {e["actor"] for e in page.context["entries"]} >= {"alice", "bob", "carol", "rules@0.2.0"}
    assert "Chain verified" in page.text and "Export claims" in page.text


def test_a_reviewer_sees_their_own(story, browser):
    page = browser("alice").get("/audit")
    actors = {e["actor"] for e in page.context["entries"]}
    assert actors == {"alice"} and "Export claims" not in page.text
    assert {e["actor"] for e in browser("alice").get("/audit?user=bob").context["entries"]} <= {"alice"}


def test_filters_and_the_diff_show_on_the_page(story, browser):
    page = browser("carol").get(f"/audit?claim={story.claims['denied']}")
    assert [e["action"] for e in page.context["entries"]][:2] == ["link.created", "claim.corrected"]
    assert "<b>claimant</b>" in page.text and "Port staff" in page.text


def test_csv_download_is_neutralised(story, browser):
    response = browser("carol").get("/audit.csv?user=bob")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["actor"] for r in rows} == {"bob"} and "'=too vague" in {r["rationale"] for r in rows}


def test_revert_from_the_page_is_a_new_decision(story, browser):
    carol = browser("carol")
    seq = story.seqs["verdict"]
    response = carol.post(f"/audit/revert/{seq}", {"why": "too early"}, htmx=False)
    assert response.status_code == 303
    newest = carol.get("/audit").context["entries"][0]
    assert newest["reverts"] == seq and newest["actor"] == "carol" and "too early" in newest["rationale"]


def test_a_reviewer_cannot_revert_someone_elses_decision(story, browser):
    response = browser("alice").post(f"/audit/revert/{story.seqs['verdict']}", {}, htmx=False)
    assert response.status_code == 404  # carol's decision is not among those alice may see


def test_export_download_zips_the_file_and_its_manifest(story, browser):
    response = browser("carol").get("/export?format=csv&status=accepted&status=")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        names = sorted(z.namelist())
        manifest = json.loads(z.read("claims-csv.csv.manifest.json"))
        data = z.read("claims-csv.csv")
    assert names == ["claims-csv.csv", "claims-csv.csv.manifest.json"]
    assert manifest["filters"]["status"] == ["accepted"] and manifest["counts"]["claims"] == 2
    assert len(data.decode().splitlines()) == 3
    assert browser("alice").get("/export?format=jsonl").status_code == 403
    assert browser("carol").get("/export?format=xlsx").status_code == 400


def test_older_decisions_walk_the_filtered_log_page_by_page(story, browser, monkeypatch):
    monkeypatch.setattr(audit_routes, "PAGE", 2)
    carol, query = browser("carol"), "action=claim.*&since=2024-05-01"
    page, walked = carol.get(f"/audit?{query}"), []
    while True:
        walked += [e["seq"] for e in page.context["entries"]]
        if page.context["more"] is None:
            break
        assert f"before={page.context['more']}" in page.text  # the "Older decisions" link
        page = carol.get(f"/audit?{query}&before={page.context['more']}")
    with story.record.session() as session:
        whole = [e["seq"] for e in audit_log(session, AuditFilter(action="claim.*", since="2024-05-01"), Viewer("carol", "lead"))]
    assert walked == whole and len(whole) > 4


def test_a_long_chain_is_verified_after_the_page_shows(story, browser, intruder, monkeypatch):
    monkeypatch.setattr(audit_routes, "CHAIN_INLINE", 5)
    carol = browser("carol")
    page = carol.get("/audit")
    assert 'hx-get="/audit/chain"' in page.text and "Chain verified" not in page.text and page.context["entries"]
    assert "Chain verified" in carol.get("/audit/chain", htmx=True).text
    with intruder(story.record) as conn:
        conn.execute(text("UPDATE decision SET actor = 'mallory' WHERE seq = 3"))
    assert "Chain fails verification" in carol.get("/audit/chain", htmx=True).text
