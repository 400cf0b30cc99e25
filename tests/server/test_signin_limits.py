"""Issue 13, finding 4: sign-in throttling with growing delays (never a lockout of the right
password), per (account, address) pair with a looser cap per account, kept in the database
(shared by processes, kept over restarts), X-Forwarded-For believed only from configured
proxies, password checks on a bounded pool."""

import ipaddress
import threading
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest
from fastapi.testclient import TestClient

from annotate import accounts
from annotate.accounts import Delays, SigninThrottle
from server.app import create_app
from tests.server.reviewdesk import PASSWORD, csrf_of


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_forty_concurrent_guesses_for_one_name_let_only_the_limit_through(record):
    throttle, go = SigninThrottle(record, clock=Clock()), threading.Event()

    def guess(i):
        go.wait()
        return throttle.attempt("victim", f"203.0.113.{i}") == 0

    with ThreadPoolExecutor(40) as pool:
        futures = [pool.submit(guess, i) for i in range(40)]
        go.set()
        allowed = sum(f.result() for f in futures)
    assert allowed == accounts.PER_NAME.free  # the account's own cap, over every address


def test_forty_concurrent_guesses_from_one_address_let_only_the_pair_limit_through(record):
    throttle, go = SigninThrottle(record, clock=Clock()), threading.Event()

    def guess(_):
        go.wait()
        return throttle.attempt("victim", "203.0.113.5") == 0

    with ThreadPoolExecutor(40) as pool:
        futures = [pool.submit(guess, i) for i in range(40)]
        go.set()
        allowed = sum(f.result() for f in futures)
    assert allowed == accounts.PER_PAIR.free


def test_delays_grow_then_the_right_password_works_once_the_delay_has_passed(record):
    clock = Clock()
    throttle = SigninThrottle(record, per_pair=Delays(free=3, first=2.0, cap=16.0), clock=clock)
    waits = []
    for _ in range(8):  # a guesser who comes back as soon as allowed
        wait = throttle.attempt("lea", "198.51.100.9")
        waits.append(wait)
        clock.now += wait if wait else 0.0
        if wait:
            assert throttle.attempt("lea", "198.51.100.9") == 0  # allowed again right after the delay
    assert waits == [0, 0, 0, 2, 4, 8, 16, 16]  # free tries, then delays doubling up to the cap, never more
    throttle.succeeded("lea", "198.51.100.9")
    assert throttle.attempt("lea", "198.51.100.9") == 0  # the account starts afresh after a success


def test_failures_are_shared_by_every_process_and_survive_a_restart(record):
    clock = Clock()
    first = SigninThrottle(record, clock=clock)
    for _ in range(accounts.PER_PAIR.free):
        assert first.attempt("alice", "192.0.2.1") == 0
    restarted = SigninThrottle(record, clock=clock)  # another worker, or the server after a restart
    assert restarted.attempt("alice", "192.0.2.1") > 0


def test_successful_sign_ins_do_not_use_up_an_address(record):
    throttle = SigninThrottle(record, clock=Clock())
    for i in range(30):  # a newsroom behind one address, everyone signing in correctly
        assert throttle.attempt(f"user{i}", "198.51.100.1") == 0
        throttle.succeeded(f"user{i}", "198.51.100.1")


def test_the_web_form_answers_429_with_retry_after_then_signs_in_after_the_delay(app, users, record, monkeypatch):
    clock = Clock()
    app.state.auth.throttle = SigninThrottle(record, per_pair=Delays(free=2, first=30.0, cap=60.0), clock=clock)
    with TestClient(app, follow_redirects=False) as client:
        token = csrf_of(client.get("/login").text)

        def sign_in(password):
            return client.post("/login", data={"name": "lea", "password": password, "csrf_token": token})

        assert [sign_in("wrong").status_code for _ in range(2)] == [401, 401]
        refused = sign_in(PASSWORD)
        assert refused.status_code == 429 and refused.headers["retry-after"] == "30" and "30 seconds" in refused.text
        clock.now += 31
        assert sign_in(PASSWORD).status_code == 303  # a delay, not a lockout


def forwarded(app, peer: str, header: str | None):
    """A sign-in attempt as if it came from `peer`, with this X-Forwarded-For."""
    with TestClient(app, follow_redirects=False, client=(peer, 50000)) as client:
        token = csrf_of(client.get("/login").text)
        headers = {"X-Forwarded-For": header} if header else {}
        return client.post("/login", data={"name": "nobody", "password": "x", "csrf_token": token}, headers=headers)


@pytest.mark.parametrize("trusted", [False, True])
def test_x_forwarded_for_is_believed_only_from_configured_proxies(record, users, settings_for, trusted):
    proxies = (ipaddress.ip_network("10.0.0.0/8"),) if trusted else ()
    app = create_app(settings_for(trusted_proxies=proxies))
    app.state.auth.throttle = SigninThrottle(record, per_address=Delays(free=3, first=60.0, cap=60.0), clock=Clock())
    # A client rotating X-Forwarded-For on every guess, through our proxy at 10.0.0.2
    statuses = [forwarded(app, "10.0.0.2", f"203.0.113.{i}").status_code for i in range(5)]
    if trusted:
        assert statuses == [401] * 5  # five different clients behind the proxy, one guess each
    else:
        assert statuses == [401, 401, 401, 429, 429]  # one address: the header means nothing
    # A client that is not a proxy cannot pick its address, even when proxies are configured
    assert [forwarded(app, "192.0.2.50", f"198.51.100.{i}").status_code for i in range(5)][-1] == 429


def test_a_sign_in_waiting_too_long_for_a_password_check_is_told_to_retry_and_is_not_counted(app, users, monkeypatch):
    monkeypatch.setattr(accounts, "HASH_WAIT", 0.2)
    app.state.auth.hashing = anyio.CapacityLimiter(1)
    with TestClient(app, follow_redirects=False) as client:

        async def hold():
            await app.state.auth.hashing.acquire_on_behalf_of("another sign-in")  # every slot busy

        client.portal.call(hold)
        page = client.get("/login")
        response = client.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": csrf_of(page.text)})
        assert response.status_code == 503 and response.headers["retry-after"] == "1"
        client.portal.call(lambda: app.state.auth.hashing.release_on_behalf_of("another sign-in"))
        tries = [client.post("/login", data={"name": "alice", "password": "wrong", "csrf_token": csrf_of(page.text)}) for _ in range(4)]
        assert [t.status_code for t in tries] == [401] * 4  # the busy attempt did not count as a failure


def test_forgotten_failures_are_deleted_now_and_then(record, monkeypatch):
    from sqlalchemy import func, select

    from annotate.store.models import SigninFailure

    clock = Clock()
    throttle = SigninThrottle(record, clock=clock)
    for i in range(50):  # a spray of made-up names
        throttle.attempt(f"made-up-{i}", "192.0.2.9")
    clock.now += accounts.PER_NAME.forget + 1
    monkeypatch.setattr(accounts, "PURGE_CHANCE", 1.0)
    throttle.attempt("alice", "192.0.2.10")
    with record.session() as session:
        keys = session.execute(select(SigninFailure.key)).scalars().all()
        assert sorted(keys) == ["address:192.0.2.10", "name:alice", "pair:alice@192.0.2.10"]
        assert session.execute(select(func.count()).select_from(SigninFailure)).scalar() == 3


def sign_in_from(app, peer: str, name: str, password: str):
    """One sign-in through the web form from `peer` (the connecting address: no proxies configured)."""
    with TestClient(app, follow_redirects=False, client=(peer, 50000)) as client:
        token = csrf_of(client.get("/login").text)
        return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


def test_a_guesser_at_one_address_is_slowed_but_the_owner_signs_in_from_another(app, users):
    attacker = [sign_in_from(app, "203.0.113.66", "lea", f"guess-{i}") for i in range(12)]
    free = accounts.PER_PAIR.free
    assert [a.status_code for a in attacker] == [401] * free + [429] * (12 - free)  # the guesser's own tries wait
    assert int(attacker[-1].headers["retry-after"]) > 0
    assert sign_in_from(app, "198.51.100.20", "lea", PASSWORD).status_code == 303  # the owner, elsewhere: in at once
    assert sign_in_from(app, "203.0.113.66", "lea", "guess-13").status_code == 429  # the guesser: still waiting


def test_the_account_cap_still_slows_guesses_from_many_addresses_but_not_its_owner_at_a_known_address(record):
    clock = Clock()
    throttle = SigninThrottle(record, per_name=Delays(free=10, first=5.0, cap=15.0), clock=clock)
    assert throttle.attempt("lea", "192.0.2.80") == 0
    throttle.succeeded("lea", "192.0.2.80")  # the owner signs in at her desk
    clock.now += 600
    waits = [throttle.attempt("lea", f"203.0.113.{i}") for i in range(40)]  # one guess from each of 40 addresses
    assert waits[:10] == [0] * 10 and all(0 < w <= 15 for w in waits[10:])  # after 10 the account's cap holds them all, briefly
    assert throttle.attempt("lea", "198.51.100.7") > 0  # a new address too: its wait is at most the cap
    assert throttle.attempt("lea", "192.0.2.80") == 0  # the owner's known address is spared the account's cap
    clock.now += 15
    assert throttle.attempt("lea", "203.0.113.99") == 0  # a delay, not a lockout
