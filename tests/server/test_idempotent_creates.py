"""Issue 13, finding 7: `Idempotency-Key` is honoured on every create of the JSON API, thread
creation included: a retried request makes one object and answers what the first one made;
the key with another request answers 422, and a retry while the first runs answers 409."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from annotate import accounts
from annotate.linking.threads import Threads
from annotate.store.db import is_sqlite
from server import idempotency
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

    async def creates(address):
        async with httpx.AsyncClient(base_url=address, timeout=30) as client:
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "same"}
            calls = [client.post("/api/threads", json={"name": "Bridge", "claim_ids": claims}, headers=headers) for _ in range(10)]
            return await asyncio.gather(*calls)

    with live_server(record.settings, SECRET) as address:
        answers = run_apart(creates(address))
    made = [a for a in answers if a.status_code == 201]
    # each either answers the one thread, or was sent while the first still ran: 409, retry
    assert {a.status_code for a in answers} <= {201, 409} and made and len({a.json()["id"] for a in made}) == 1
    assert [d[2] for d in ledger.written()].count("thread.created") == 1


def test_the_key_with_another_body_or_route_answers_422_naming_the_header(api, desk, claims, ledger):
    document = desk.document("The council said the tunnel would open in May.")
    first = api.post(f"/api/documents/{document}/claims", json={"start": 0, "end": 11}, headers={"Idempotency-Key": "c-1"})
    assert first.status_code == 201
    ledger.mark()
    other_body = api.post(f"/api/documents/{document}/claims", json={"start": 4, "end": 11}, headers={"Idempotency-Key": "c-1"})
    assert other_body.status_code == 422 and "Idempotency-Key" in other_body.json()["detail"]
    other_route = api.post("/api/threads", json={"name": "Tunnel", "claim_ids": claims[:1]}, headers={"Idempotency-Key": "c-1"})
    assert other_route.status_code == 422 and "Idempotency-Key" in other_route.json()["detail"]
    assert ledger.written() == []  # neither ran
    again = api.post(f"/api/documents/{document}/claims", json={"start": 0, "end": 11}, headers={"Idempotency-Key": "c-1"})
    assert again.status_code == 201 and again.json()["state"]["id"] == first.json()["state"]["id"]  # the same request: the stored answer


def test_a_request_that_failed_gives_its_key_back(api, claims, ledger):
    refused = api.post("/api/threads", json={"name": "Bridge", "claim_ids": [999_999]}, headers={"Idempotency-Key": "t-9"})
    assert refused.status_code in (404, 422)
    made = api.post("/api/threads", json={"name": "Bridge", "claim_ids": claims[:1]}, headers={"Idempotency-Key": "t-9"})
    assert made.status_code == 201  # nothing was made the first time: the key runs the corrected request


def test_a_retry_while_the_first_request_runs_answers_409_and_runs_nothing(api, claims, ledger, monkeypatch):
    inside, go_on, create = threading.Event(), threading.Event(), Threads.create

    def held_create(self, *args, **kwargs):  # the first request stops here until the retry has been answered
        inside.set()
        assert go_on.wait(30)
        return create(self, *args, **kwargs)

    monkeypatch.setattr(Threads, "create", held_create)
    ledger.mark()
    body, key = {"name": "Bridge", "claim_ids": claims[:2]}, {"Idempotency-Key": "t-slow"}
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(api.post, "/api/threads", json=body, headers=key)
        assert inside.wait(30)
        retry = api.post("/api/threads", json=body, headers=key)
        go_on.set()
        first = running.result()
    assert retry.status_code == 409 and retry.headers["retry-after"] == "1" and "Idempotency-Key" in retry.json()["detail"]
    assert first.status_code == 201
    later = api.post("/api/threads", json=body, headers=key)
    assert later.status_code == 201 and later.json()["id"] == first.json()["id"]
    assert [d[2] for d in ledger.written()].count("thread.created") == 1


def test_a_retry_while_the_first_waits_for_the_write_lock_answers_409_on_a_live_server(record, claims, token, ledger):
    """Real processes: the first request holds its key while it queues for the ledger's lock
    (held here, as a long write would); the retry is refused at once, then answered the same object."""
    if is_sqlite(record.engine):
        pytest.skip("SQLite: taking a key also needs its one write lock, so holding that lock holds the retry too (the barrier test covers SQLite)")
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "t-queued"}
    body = {"name": "Bridge", "claim_ids": claims[:2]}
    with live_server(record.settings, SECRET) as address, ThreadPoolExecutor(1) as pool:
        with record.engine.connect() as lock:
            lock.execute(text("SELECT pg_advisory_lock(7291)"))  # the ledger's writer lock (annotate/store/db.py)
            first = pool.submit(httpx.post, f"{address}/api/threads", json=body, headers=headers, timeout=60)
            retry = _when_held(record, address, body, headers)
            lock.execute(text("SELECT pg_advisory_unlock(7291)"))
            lock.commit()
        first_answer = first.result()
        later = httpx.post(f"{address}/api/threads", json=body, headers=headers, timeout=60)
    assert retry.status_code == 409 and "Idempotency-Key" in retry.json()["detail"]
    assert first_answer.status_code == 201 and later.status_code == 201 and later.json()["id"] == first_answer.json()["id"]


def _when_held(record, address: str, body: dict, headers: dict) -> httpx.Response:
    """The retry, sent once the first request has taken its key."""
    for _ in range(600):
        with record.engine.connect() as conn:
            if conn.execute(text("SELECT count(*) FROM idempotency_lease")).scalar():
                return httpx.post(f"{address}/api/threads", json=body, headers=headers, timeout=60)
        threading.Event().wait(0.05)
    raise AssertionError("the first request never took its key")


def test_a_key_held_by_a_request_that_died_is_taken_over_after_the_lease(record):
    now = [1_000_000.0]
    idempotency.take(record.engine, "alice:k", "f1", clock=lambda: now[0])  # its process died: never finished
    with pytest.raises(idempotency.KeyInUse):
        idempotency.take(record.engine, "alice:k", "f1", clock=lambda: now[0] + 1)
    with pytest.raises(idempotency.KeyReused):
        idempotency.take(record.engine, "alice:k", "f2", clock=lambda: now[0] + 1)
    lease = idempotency.take(record.engine, "alice:k", "f1", clock=lambda: now[0] + idempotency.LEASE + 1)
    assert not lease.finished
