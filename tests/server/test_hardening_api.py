"""Issue 13: bounded inputs (finding 2) and 4xx/503 rather than 500 (finding 7), through the
JSON API and through the operations the CLI and importers call; nothing written when refused."""

import asyncio
import json
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from annotate import accounts
from annotate.errors import Invalid, TooLarge
from annotate.linking import threads
from annotate.review.operations import Review
from annotate.store.db import write_session
from server.app import create_app
from server.settings import ServerSettings
from tests.server.liveserver import live_server
from tests.server.reviewdesk import SECRET, run_apart

TEXT = "Officials in Kupiansk said the market reopened on Monday. The governor may order an evacuation."
SECOND = {"start": TEXT.index("The governor"), "end": len(TEXT)}


@pytest.fixture
def token(record, users):
    return accounts.create_api_token(record, "alice", "tests")


@pytest.fixture
def api(app, token):
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


@pytest.fixture
def report(desk):
    doc = desk.document(TEXT)
    return {"doc": doc, "claim": desk.claim(doc, "Officials in Kupiansk said the market reopened on Monday.")}


# --- finding 2: limits on every text field, one table for every door --------------------


@pytest.mark.parametrize("field", ["claimant", "reporting_verb"])
def test_an_over_long_field_is_413_naming_it_and_nothing_is_written(api, report, ledger, field):
    ledger.mark()
    response = api.patch(f"/api/claims/{report['claim']}", json={"version": 1, field: "x" * 5000})
    assert response.status_code == 413 and response.json()["detail"].startswith(f"{field}:")
    assert ledger.written() == []


def test_an_over_long_entity_name_is_413(api, report, ledger):
    ledger.mark()
    response = api.post(f"/api/documents/{report['doc']}/mentions", json={"start": 13, "end": 21, "label": "GPE", "entity": "K" * 400})
    assert response.status_code == 413 and "entity" in response.json()["detail"]
    assert ledger.written() == []


@pytest.mark.parametrize("bad", ["\x00", "\ud800"])
def test_nul_and_lone_surrogates_are_422_naming_the_field(api, report, ledger, bad):
    ledger.mark()
    as_json = {"Content-Type": "application/json"}  # json.dumps escapes them as a client would send them
    claimant = api.patch(f"/api/claims/{report['claim']}", content=json.dumps({"version": 1, "claimant": f"A{bad}B"}), headers=as_json)
    rationale = api.post(f"/api/claims/{report['claim']}/accept", content=json.dumps({"version": 1, "rationale": f"ok{bad}"}), headers=as_json)
    assert (claimant.status_code, rationale.status_code) == (422, 422)
    assert claimant.json()["detail"].startswith("claimant:") and "rationale" in str(rationale.json()["detail"])
    assert ledger.written() == []


def test_the_cli_and_importer_door_shares_the_limits(record, report):
    review = Review(record, "cli", "cli", "lead")
    with pytest.raises(TooLarge, match="claimant"):
        review.edit("claim", report["claim"], 1, {"claimant": "x" * 301})
    with pytest.raises(TooLarge, match="name"):
        threads.Threads(record, "cli", "cli").create("t" * 301, [report["claim"]])
    with pytest.raises(Invalid, match="rationale"):
        review.accept("claim", report["claim"], 1, "why\x07")
    assert review.edit("claim", report["claim"], 1, {"claimant": "Officials in Kupiansk"}).state["version"] == 2


# --- finding 7: 4xx for bad input, 503 when the database cannot write ---------------------


def test_huge_ids_versions_and_if_match_are_4xx(api, report, ledger):
    ledger.mark()
    assert api.get(f"/api/claims/{2**63}").status_code in (404, 422)
    assert api.get(f"/api/documents?publisher_id={2**70}").status_code == 422
    assert api.post(f"/api/claims/{report['claim']}/accept", json={"version": 2**70}).status_code in (409, 422)
    assert api.post(f"/api/claims/{report['claim']}/accept", json={}, headers={"If-Match": '"' + "9" * 5000 + '"'}).status_code == 400
    assert api.post(f"/api/claims/{report['claim']}/accept", json={}, headers={"If-Match": '"²"'.encode()}).status_code == 400
    assert ledger.written() == []


def test_ten_creates_with_one_idempotency_key_make_one_claim(api, report, ledger):
    ledger.mark()
    key = {"Idempotency-Key": "retry-1"}
    answers = [api.post(f"/api/documents/{report['doc']}/claims", json=SECOND, headers=key) for _ in range(10)]
    assert {a.status_code for a in answers} == {201} and len({a.json()["state"]["id"] for a in answers}) == 1
    assert [d[2] for d in ledger.written()] == ["claim.added"]
    other = api.post(f"/api/documents/{report['doc']}/claims", json=SECOND, headers={"Idempotency-Key": "retry-2"})
    assert other.json()["state"]["id"] != answers[0].json()["state"]["id"]


def test_concurrent_creates_with_one_idempotency_key_make_one_claim(record, report, token, ledger):
    ledger.mark()
    import httpx

    async def creates(address):
        async with httpx.AsyncClient(base_url=address, timeout=30) as client:
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "same"}
            calls = [client.post(f"/api/documents/{report['doc']}/claims", json=SECOND, headers=headers) for _ in range(10)]
            return await asyncio.gather(*calls)

    with live_server(record.settings, SECRET) as address:
        answers = run_apart(creates(address))
    made = [a for a in answers if a.status_code == 201]
    # each answers the one claim, or (sent while the first still ran) 409: retry; never a second claim, never a 5xx
    assert {a.status_code for a in answers} <= {201, 409} and made and len({a.json()["state"]["id"] for a in made}) == 1
    assert [d[2] for d in ledger.written()] == ["claim.added"]


def test_a_busy_write_lock_answers_503_with_retry_after_in_bounded_time(record, users, token, report, ledger):
    app = create_app(ServerSettings(record=replace(record.settings, db_wait=0.5), secret=SECRET))
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as api:
        ledger.mark()
        with write_session(record.engine):  # another writer holds the lock (a long import, say)
            response = api.post(f"/api/claims/{report['claim']}/accept", json={"version": 1})
        assert response.status_code == 503 and response.headers["retry-after"] == "1"
        assert ledger.written() == []
        assert api.post(f"/api/claims/{report['claim']}/accept", json={"version": 1}).status_code == 200


def test_a_read_only_database_answers_503(record, users, token, report, ledger):
    url = record.settings.resolved_database_url
    if url.startswith("sqlite"):
        read_only = f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    else:
        read_only = url.replace("options=", "options=-cdefault_transaction_read_only%3Don%20")
    app = create_app(ServerSettings(record=replace(record.settings, database_url=read_only), secret=SECRET))
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as api:
        assert api.get(f"/api/claims/{report['claim']}").status_code == 200
        response = api.post(f"/api/claims/{report['claim']}/accept", json={"version": 1})
    assert response.status_code == 503 and "read-only" in response.json()["detail"]
