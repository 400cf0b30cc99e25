"""A flood of sign-ins and everyone else (issue 13, finding 4): 80 sign-in attempts sent at the
same moment to a uvicorn process on 127.0.0.1 (real argon2id costs), each from its own address
through a trusted proxy (so per-address throttling does not simply refuse them: the password
pool is what is measured), half with the right password; meanwhile another user calls the API
every 50 ms. Targets: that user's p95 ≤ 100 ms; the server's peak memory ≤ 300 MB.
Run: python -m benchmarks.bench_signin [ATTEMPTS [DATABASE_URL]]  (SQLite in a temp dir by default)
"""

import asyncio
import re
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

from annotate import accounts
from benchmarks.bench_concurrency import drop_schema, serve, setup

PASSWORD = "a bench passphrase"


def memory_mb(pid: int, field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of a process, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.M).group(1)) / 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * q) - 1)] * 1000


async def observe(address: str, token: str, stop: asyncio.Event) -> list[float]:
    """Another user's API calls, one every 50 ms, until stopped."""
    times = []
    async with httpx.AsyncClient(base_url=address, timeout=60, headers={"Authorization": f"Bearer {token}"}) as client:
        while not stop.is_set():
            began = time.perf_counter()
            response = await client.get("/api/documents")
            assert response.status_code == 200, response.status_code
            times.append(time.perf_counter() - began)
            await asyncio.sleep(0.05)
    return times


async def flood(address: str, names: list[str], token: str, pid: int) -> None:
    clients = [httpx.AsyncClient(base_url=address, timeout=60) for _ in names]
    forms = []
    for i, (client, name) in enumerate(zip(clients, names)):  # each attempt with its own pre-session and CSRF token
        page = (await client.get("/login")).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        forms.append({"name": name, "password": PASSWORD if i % 2 == 0 else "wrong guess", "csrf_token": csrf})

    stop = asyncio.Event()
    before = await observe_for(address, token, 2.0)
    watcher = asyncio.create_task(observe(address, token, stop))
    peak_now = [memory_mb(pid, "VmRSS")]

    async def sample_memory():
        while not stop.is_set():
            peak_now.append(memory_mb(pid, "VmRSS"))
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample_memory())
    await asyncio.sleep(0.5)

    async def attempt(i: int):
        began = time.perf_counter()
        headers = {"X-Forwarded-For": f"198.51.{100 + i // 250}.{i % 250 + 1}"}
        response = await clients[i].post("/login", data=forms[i], headers=headers)
        return response.status_code, time.perf_counter() - began

    began = time.perf_counter()
    answers = await asyncio.gather(*(attempt(i) for i in range(len(names))))
    took = time.perf_counter() - began
    await asyncio.sleep(0.5)
    stop.set()
    during = await watcher
    await sampler
    for client in clients:
        await client.aclose()

    statuses = dict(sorted(Counter(s for s, _ in answers).items()))
    times = [t for _, t in answers]
    print(
        f"{len(names)} concurrent sign-ins: {statuses} (303 signed in, 401 wrong password, 503 retry later) "
        f"in {took:.1f} s; each p50 {pct(times, 0.5):.0f} ms, p95 {pct(times, 0.95):.0f} ms"
    )
    print(
        f"another user's API call (GET /api/documents): before p50 {pct(before, 0.5):.0f} ms, p95 {pct(before, 0.95):.0f} ms; "
        f"during the flood p50 {pct(during, 0.5):.0f} ms, p95 {pct(during, 0.95):.0f} ms, max {max(during) * 1000:.0f} ms "
        f"({len(during)} calls)"
    )
    print(f"server memory: {peak_now[0]:.0f} MB before, peak {max(peak_now):.0f} MB sampled, VmHWM {memory_mb(pid, 'VmHWM'):.0f} MB")


async def observe_for(address: str, token: str, seconds: float) -> list[float]:
    stop = asyncio.Event()
    task = asyncio.create_task(observe(address, token, stop))
    await asyncio.sleep(seconds)
    stop.set()
    return await task


def main(attempts: int, url: str | None) -> None:
    record = setup(url)
    stored = accounts._hasher.hash(PASSWORD)  # one real argon2id hash for every bench user (setup, not measured)

    class Reused:
        def hash(self, _password: str) -> str:
            return stored

    accounts._hasher = Reused()  # type: ignore[assignment]  # in this process only; the server hashes for real
    names = [f"s{i}" for i in range(attempts)]
    for name in [*names, "reader"]:
        accounts.add_user(record, name, "reviewer", PASSWORD)
    token = accounts.create_api_token(record, "reader", "bench")
    process, address = serve(record.settings, CLAIMTRAIL_TRUSTED_PROXIES="127.0.0.1")
    try:
        asyncio.run(flood(address, names, token, process.pid))
    finally:
        process.terminate()
        process.wait(timeout=10)
        record.engine.dispose()
        if url:
            drop_schema(url)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 80, sys.argv[2] if len(sys.argv) > 2 else None)
