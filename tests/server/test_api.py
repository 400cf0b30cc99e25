"""The JSON API: the same review operations, recorded with origin "api"; writes name a version."""

import pytest
from fastapi.testclient import TestClient

from annotate import accounts

TEXT = "Officials in Kupiansk said the market reopened on Monday. The governor may order an evacuation."


@pytest.fixture
def api(app, record, users):
    token = accounts.create_api_token(record, "alice", "tests")
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


@pytest.fixture
def report(desk):
    doc = desk.document(TEXT)
    return {"doc": doc, "claim": desk.claim(doc, "Officials in Kupiansk said the market reopened on Monday."), "mention": desk.mention(doc, "Kupiansk")}


def test_queue_and_document_read_with_progress_and_exact_text(api, report):
    queue = api.get("/api/documents").json()
    assert queue["documents"][0]["id"] == report["doc"] and queue["documents"][0]["left"] == 2 and queue["older"] is None
    doc = api.get(f"/api/documents/{report['doc']}").json()
    assert doc["text"] == TEXT and [c["id"] for c in doc["claims"]] == [report["claim"]] and len(doc["mentions"]) == 1


def test_accept_with_if_match_records_an_api_decision(api, report, ledger):
    claim = api.get(f"/api/claims/{report['claim']}")
    assert claim.headers["etag"] == '"1"'
    ledger.mark()
    response = api.post(f"/api/claims/{report['claim']}/accept", json={"rationale": "checked"}, headers={"If-Match": claim.headers["etag"]})
    assert response.status_code == 200 and response.json()["state"]["status"] == "accepted" and response.headers["etag"] == '"2"'
    assert ledger.written() == [("alice", "api", "claim.accepted", report["claim"])]
    assert response.json()["decisions"] == [ledger.since()[0]["seq"]]


def test_a_write_without_a_version_is_428_and_a_stale_one_409_with_the_current_state(api, report, record, ledger):
    ledger.mark()
    assert api.post(f"/api/claims/{report['claim']}/reject", json={}).status_code == 428
    assert api.post(f"/api/mentions/{report['mention']}/reject", json={"version": 1}).status_code == 200
    stale = api.post(f"/api/mentions/{report['mention']}/accept", json={"version": 1})
    assert stale.status_code == 409
    body = stale.json()
    assert body["current"]["status"] == "rejected" and body["current"]["version"] == 2
    assert body["since"][0]["action"] == "mention.rejected" and "version 2, not 1" in body["detail"]
    assert ledger.written() == [("alice", "api", "mention.rejected", report["mention"])]


def test_patch_edits_only_the_fields_sent(api, report):
    response = api.patch(f"/api/claims/{report['claim']}", json={"version": 1, "claimant": "Officials", "event_date": "2023-08-07"})
    state = response.json()["state"]
    assert (state["claimant"], state["event_date"], state["quote"], state["status"]) == (
        "Officials",
        "2023-08-07",
        "Officials in Kupiansk said the market reopened on Monday.",
        "corrected",
    )
    bad = api.patch(f"/api/claims/{report['claim']}", headers={"If-Match": '"2"'}, json={"event_date": "soon"})
    assert bad.status_code == 422 and "event date" in bad.json()["detail"]


def test_add_claim_and_mention_then_read_history_and_undo(api, report, ledger):
    start = TEXT.index("The governor")
    added = api.post(f"/api/documents/{report['doc']}/claims", json={"start": start, "end": len(TEXT), "hedged": True})
    assert added.status_code == 201
    claim = added.json()["state"]
    assert claim["quote"] == "The governor may order an evacuation." and claim["hedged"] is True
    mention = api.post(f"/api/documents/{report['doc']}/mentions", json={"start": start + 4, "end": start + 12, "label": "PERSON"})
    assert mention.status_code == 201 and mention.json()["state"]["label"] == "PERSON"
    history = api.get(f"/api/claims/{claim['id']}/history").json()
    assert [(h["actor"], h["origin"], h["action"]) for h in history] == [("alice", "api", "claim.added")]
    undone = api.post("/api/undo", json={"seq": added.json()["decisions"][0]})
    assert undone.json()["state"]["status"] == "withdrawn"
    assert api.post(f"/api/documents/{report['doc']}/claims", json={"start": 3, "end": 2}).status_code == 422


def test_merge_needs_a_lead(api, desk, app, record):
    a, b = desk.entity("Kupyansk"), desk.entity("Kupiansk")
    assert api.post(f"/api/entities/{a}/merge", json={"into": b, "version": 1}).status_code == 403
    lead = TestClient(app, headers={"Authorization": f"Bearer {accounts.create_api_token(record, 'lea')}"})
    merged = lead.post(f"/api/entities/{a}/merge", json={"into": b, "version": 1})
    assert merged.status_code == 200 and merged.json()["state"]["aliases"] == ["Kupyansk"]


def test_unknown_objects_are_404(api):
    assert api.get("/api/claims/999").status_code == 404
    assert api.post("/api/claims/999/accept", json={"version": 1}).status_code == 404


def test_openapi_schema_and_our_own_docs_page(api, alice):
    schema = api.get("/api/openapi.json").json()
    assert "/api/claims/{target_id}/accept".replace("claims", "{kinds}") in schema["paths"]
    docs = alice.get("/api/docs")
    assert docs.status_code == 200 and "PATCH /api/{kinds}/{target_id}" in docs.text and "cdn" not in docs.text.lower()
    assert "POST /api/uploads" in docs.text and "Body (multipart/form-data): <code>files</code>" in docs.text  # a form, not JSON
    assert api.get("/docs").status_code == 404  # no Swagger UI: it needs a CDN and inline scripts


def test_entities_are_read_with_their_version(api, desk):
    town = desk.entity("Kupiansk", aliases=["Kupyansk"])
    response = api.get(f"/api/entities/{town}")
    assert response.status_code == 200 and response.json()["aliases"] == ["Kupyansk"] and response.headers["etag"] == '"1"'
