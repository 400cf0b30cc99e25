"""Issue 13, finding 4 (in part): concurrent guesses cannot slip past the limit, successful
sign-ins do not count against an address, and password checks run on a bounded pool."""

import threading
from concurrent.futures import ThreadPoolExecutor

from annotate import accounts
from server.auth import Throttle
from tests.server.reviewdesk import csrf_of


def test_forty_concurrent_guesses_for_one_name_let_only_the_limit_through():
    throttle, go = Throttle(per_name=5), threading.Event()

    def guess(_):
        go.wait()
        return throttle.attempt("victim", "203.0.113.7")[0] == 0

    with ThreadPoolExecutor(40) as pool:
        futures = [pool.submit(guess, i) for i in range(40)]
        go.set()
        allowed = sum(f.result() for f in futures)
    assert allowed == 5


def test_successful_sign_ins_do_not_use_up_an_address():
    throttle = Throttle(per_address=20)
    for i in range(30):  # a newsroom behind one address, everyone signing in correctly
        wait, mark = throttle.attempt(f"user{i}", "198.51.100.1")
        assert wait == 0
        throttle.succeeded(f"user{i}", "198.51.100.1", mark)


def test_a_sign_in_waiting_too_long_for_a_password_check_is_told_to_retry(app, users, monkeypatch):
    from fastapi.testclient import TestClient

    slots = threading.BoundedSemaphore(1)
    slots.acquire()  # every slot busy with other sign-ins
    monkeypatch.setattr(accounts, "_HASHING", slots)
    monkeypatch.setattr(accounts, "HASH_WAIT", 0.2)
    with TestClient(app, follow_redirects=False) as client:
        page = client.get("/login")
        response = client.post("/login", data={"name": "alice", "password": "whatever", "csrf_token": csrf_of(page.text)})
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
