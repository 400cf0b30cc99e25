"""Issue 13, finding 7: `Idempotency-Key` is honoured on every create of the JSON API, thread
creation included: a retried request makes one object and answers what the first one made."""

import asyncio

import pytest
from fastapi.testclient import TestClient

from annotate import accounts
from tests.server.liveserver import live_server
from tests.server.reviewdesk import SECRET, run_apart


@pytest.fixture
def token(record, users):
    return accounts.create_api_token(record, "alice", "tests")


@pytest.fixture
def api(app, token):
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


@pytest.fixture
def claims(desk) -> list[int]:
    """Three claims in three reports (links join claims of different documents)."""
    texts = ["The mayor said the bridge was closed on Friday.", "Engineers said the bridge reopened.", "A resident said traffic was normal."]
    return [desk.claim(desk.document(t), t) for t in texts]


def test_ten_thread_creates_with_one_key_make_one_thread(api, claims, ledger):
    ledger.mark()
    body = {"name": "Bridge closure", "claim_ids": claims[:2]}
    answers = [api.post("/api/threads", json=body, headers={"Idempotency-Key": "t-1"}) for _ in range(10)]
    assert {a.status_code for a in answers} == {201} and len({a.json()["id"] for a in answers}) == 1
    assert [d[2] for d in ledger.written()] == ["thread.created", "thread_member.added", "thread_member.added"]
    another = api.post("/api/threads", json=body, headers={"Idempotency-Key": "t-2"})
    assert another.status_code == 201 and another.json()["id"] != answers[0].json()["id"]
    assert api.post("/api/threads", json=body).json()["id"] not in {answers[0].json()["id"], another.json()["id"]}  # no key: a new one


def test_a_key_answers_only_its_own_user(app, api, claims, record, ledger):
    body = {"name": "Bridge closure", "claim_ids": claims[:1]}
    mine = api.post("/api/threads", json=body, headers={"Idempotency-Key": "shared"}).json()
    bob = accounts.create_api_token(record, "bob", "tests")
    with TestClient(app, headers={"Authorization": f"Bearer {bob}"}) as other:
        theirs = other.post("/api/threads", json=body, headers={"Idempotency-Key": "shared"}).json()
    assert theirs["id"] != mine["id"]


def test_thread_members_and_links_with_one_key_are_written_once(api, claims, ledger):
    thread = api.post("/api/threads", json={"name": "Bridge", "claim_ids": claims[:1]}).json()
    ledger.mark()
    key = {"Idempotency-Key": "m-1"}
    added = [api.post(f"/api/threads/{thread['id']}/members", json={"claim_id": claims[1]}, headers=key) for _ in range(3)]
    assert [a.status_code for a in added] == [201] * 3 and len({a.json()["added"][0]["id"] for a in added}) == 1
    link = {"a": claims[1], "b": claims[2], "relation": "contradicts"}
    linked = [api.post("/api/links", json=link, headers={"Idempotency-Key": "l-1"}) for _ in range(3)]
    assert len({a.json()["id"] for a in linked}) == 1
    assert [d[2] for d in ledger.written()] == ["thread_member.added", "link.created"]


def test_concurrent_thread_creates_with_one_key_make_one_thread(record, claims, token, ledger):
    ledger.mark()
    import httpx

    async def creates(address):
        async with httpx.AsyncClient(base_url=address, timeout=30) as client:
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "same"}
            calls = [client.post("/api/threads", json={"name": "Bridge", "claim_ids": claims}, headers=headers) for _ in range(10)]
            return await asyncio.gather(*calls)

    with live_server(record.settings, SECRET) as address:
        answers = run_apart(creates(address))
    assert [a.status_code for a in answers] == [201] * 10 and len({a.json()["id"] for a in answers}) == 1
    assert [d[2] for d in ledger.written()].count("thread.created") == 1
