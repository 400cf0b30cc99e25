"""Concurrent writers through the real app (uvicorn + httpx): no 5xx, no hang, one winner.

Before issue 13 each write request held two pooled connections (its request session and the
ledger's writer); 50 writers on one claim exhausted the pool and half of them answered 500
after 30 s."""

import asyncio
import time

import httpx

from annotate import accounts
from tests.server.liveserver import live_server
from tests.server.reviewdesk import PASSWORD, SECRET, run_apart

WRITERS = int(__import__("os").environ.get("W", 50))
TEXT = "The minister said the bridge would open in May, according to officials."


def tokens(record, count: int = 4) -> list[str]:
    names = [f"writer{i}" for i in range(count)]
    for name in names:
        accounts.add_user(record, name, "reviewer", PASSWORD)
    return [accounts.create_api_token(record, name, "load") for name in names]


async def storm(address: str, requests: list[tuple[str, str, dict, str]]) -> list[tuple[int, float]]:
    """Send every request at once; (status, seconds) for each."""
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=address, limits=limits, timeout=30) as client:
        start = asyncio.Event()

        async def one(method: str, url: str, body: dict, token: str):
            await start.wait()
            began = time.perf_counter()
            response = await client.request(method, url, json=body, headers={"Authorization": f"Bearer {token}"})
            return response.status_code, time.perf_counter() - began

        tasks = [asyncio.create_task(one(*r)) for r in requests]
        await asyncio.sleep(0.2)
        start.set()
        return await asyncio.gather(*tasks)


def test_fifty_writers_on_one_claim_one_wins_the_rest_conflict_quickly(record, desk):
    doc = desk.document(TEXT)
    claim = desk.claim(doc, "the bridge would open in May")
    keys = tokens(record)
    requests = [("PATCH", f"/api/claims/{claim}", {"version": 1, "claimant": f"writer {i}"}, keys[i % len(keys)]) for i in range(WRITERS)]
    with live_server(record.settings, SECRET, CLAIMTRAIL_DB_POOL="5") as address:
        answers = run_apart(storm(address, requests))
    statuses = sorted(status for status, _ in answers)
    assert [s for s in statuses if s >= 500] == []
    assert (statuses.count(200), statuses.count(409)) == (1, WRITERS - 1)
    assert max(seconds for _, seconds in answers) < 5


def test_thirty_writers_on_thirty_claims_all_win(record, desk):
    text = " ".join(f"Officials said item {i} was ready." for i in range(30))
    doc = desk.document(text)
    claims = [desk.claim(doc, f"item {i} was ready") for i in range(30)]
    keys = tokens(record)
    requests = [("POST", f"/api/claims/{c}/accept", {"version": 1}, keys[i % len(keys)]) for i, c in enumerate(claims)]
    with live_server(record.settings, SECRET, CLAIMTRAIL_DB_POOL="5") as address:
        answers = run_apart(storm(address, requests))
    assert [status for status, _ in answers] == [200] * 30
    assert max(seconds for _, seconds in answers) < 5
