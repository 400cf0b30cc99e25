"""Concurrent writers through the real app (issue 13, finding 1): rounds of 50 writers on one
claim and of 30 writers on 30 claims, each request sent at the same moment through httpx to a
uvicorn process on 127.0.0.1. Targets: 0 × 5xx, exactly one winner per claim (the others 409),
every answer within 5 s.
Run: python -m benchmarks.bench_concurrency [ROUNDS [DATABASE_URL]]  (SQLite in a temp dir by default)

Steady reviewers: 20 reviewers without think time for 60 s, each in a loop of the queue page,
a claim, and a decision on it (two reads, one write), each on claims of their own document.
Targets: 0 errors (no 5xx, no refused or failed request), p95 ≤ 300 ms.
Run: python -m benchmarks.bench_concurrency reviewers [SECONDS [REVIEWERS [DATABASE_URL|- [WORKERS]]]]
"""

import asyncio
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import create_engine, insert, text

from annotate import accounts
from annotate.config import Settings
from annotate.store.checkpoints import create_key
from annotate.store.db import make_engine, upgrade
from annotate.store.ledger import Change
from annotate.store.models import DocumentText
from annotate.store.record import Record

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-" + "k7Qz9wXv2Lm4Np8Rt6Yb" * 2


def own_schema(url: str) -> str:
    """A PostgreSQL schema of this run's own (dropped at the end), so a shared server is left as it was."""
    schema = f"claimtrail_bench_{os.getpid()}"
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def drop_schema(url: str) -> None:
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "claimtrail_bench_{os.getpid()}" CASCADE'))


def setup(url: str | None) -> Record:
    home = Path(tempfile.mkdtemp(prefix="claimtrail-concurrency-"))
    url = own_schema(url) if url else None
    settings = Settings(home=home, database_url=url or "")
    create_key(settings.resolved_key_file)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    engine.dispose()
    return Record.open(settings)


def claims(record: Record, count: int, batch: str) -> list[int]:
    text = f"Batch {batch}. " + " ".join(f"Officials said item {i} was ready." for i in range(count))
    with record.ledger.writer("bench", "cli") as w:
        sha = hashlib.sha256(text.encode()).hexdigest()
        w.session.execute(insert(DocumentText), [{"sha256": sha, "text": text}])
        doc = w.apply(Change("document.ingested", "document", set={"sha256": sha, "file_name": "b.txt", "length": len(text)}))
        made = []
        for i in range(count):
            start = text.index(f"item {i} was")
            quote = f"item {i} was ready"
            made.append(
                w.apply(
                    Change(
                        "claim.proposed",
                        "claim",
                        set={
                            "document_id": doc["id"],
                            "start": start,
                            "end": start + len(quote),
                            "quote": quote,
                            "annotator": "bench",
                            "score": 0.5,
                            "reason": "bench",
                        },
                    )
                )["id"]
            )
    return made


def serve(settings: Settings, workers: int = 1, **extra_env: str):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "CLAIMTRAIL_HOME": str(settings.home),
        "CLAIMTRAIL_SECRET": SECRET,
        "CLAIMTRAIL_DATABASE_URL": settings.resolved_database_url,
        **extra_env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "server.app:app_from_env", "--port", str(port), "--log-level", "warning", "--workers", str(workers)],
        cwd=ROOT,
        env=env,
    )
    address = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{address}/login", timeout=1)
            return process, address
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


async def storm(address: str, requests: list) -> list[tuple[int, float]]:
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=address, limits=limits, timeout=60) as client:
        go = asyncio.Event()

        async def one(method, url, body, token):
            await go.wait()
            began = time.perf_counter()
            try:
                response = await client.request(method, url, json=body, headers={"Authorization": f"Bearer {token}"})
                return response.status_code, time.perf_counter() - began
            except httpx.HTTPError:
                return 0, time.perf_counter() - began

        tasks = [asyncio.create_task(one(*r)) for r in requests]
        await asyncio.sleep(0.3)
        go.set()
        return await asyncio.gather(*tasks)


def report(label: str, answers: list[tuple[int, float]]) -> None:
    times = sorted(t for _, t in answers)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    counts = dict(sorted(Counter(s for s, _ in answers).items()))
    print(f"{label}: {counts}  p50 {times[len(times) // 2] * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")


def main(rounds: int, url: str | None) -> None:
    record = setup(url)
    names = [f"w{i}" for i in range(4)]
    for name in names:
        accounts.add_user(record, name, "reviewer", "bench-password")
    tokens = [accounts.create_api_token(record, n, "bench") for n in names]
    process, address = serve(record.settings)
    try:
        for r in range(rounds):
            one, many = claims(record, 1, f"{r}a")[0], claims(record, 30, f"{r}b")
            same = [("PATCH", f"/api/claims/{one}", {"version": 1, "claimant": f"writer {i}"}, tokens[i % 4]) for i in range(50)]
            report(f"round {r + 1}, 50 writers on one claim", asyncio.run(storm(address, same)))
            spread = [("POST", f"/api/claims/{c}/accept", {"version": 1}, tokens[i % 4]) for i, c in enumerate(many)]
            report(f"round {r + 1}, 30 writers on 30 claims", asyncio.run(storm(address, spread)))
    finally:
        process.terminate()
        process.wait(timeout=10)
        record.engine.dispose()
        if url:
            drop_schema(url)


async def reviewer(address: str, token: str, claim_ids: list[int], until: float, times: dict, statuses: Counter) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=address, timeout=60, headers=headers) as client:
        for i, claim_id in enumerate(claim_ids):
            if time.perf_counter() >= until:
                return
            decision = "accept" if i % 3 else "reject"
            for kind, method, url, body in [
                ("queue page", "GET", "/api/documents?status=todo", None),
                ("claim", "GET", f"/api/claims/{claim_id}", None),
                (f"{decision} (write)", "POST", f"/api/claims/{claim_id}/{decision}", {"version": 1}),
            ]:
                began = time.perf_counter()
                try:
                    response = await client.request(method, url, json=body)
                    statuses[response.status_code] += 1
                except httpx.HTTPError as problem:
                    statuses[type(problem).__name__] += 1
                times.setdefault(kind, []).append(time.perf_counter() - began)


def steady(seconds: float, count: int, url: str | None, workers: int = 1) -> None:
    record = setup(url)
    names = [f"r{i}" for i in range(count)]
    for name in names:
        accounts.add_user(record, name, "reviewer", "bench-password")
    tokens = [accounts.create_api_token(record, n, "bench") for n in names]
    mine = [claims(record, 600, f"reviewer {i}") for i in range(count)]  # more than anyone decides in the time
    process, address = serve(record.settings, workers)
    try:
        times: dict[str, list[float]] = {}
        statuses: Counter = Counter()

        async def everyone():
            until = time.perf_counter() + seconds
            await asyncio.gather(*(reviewer(address, tokens[i], mine[i], until, times, statuses) for i in range(count)))

        began = time.perf_counter()
        asyncio.run(everyone())
        took = time.perf_counter() - began
        every = [t for ts in times.values() for t in ts]
        errors = sum(n for s, n in statuses.items() if not (isinstance(s, int) and s < 400))
        print(
            f"{count} reviewers without think time for {took:.0f} s, {workers} server process(es): {len(every)} requests ({len(every) / took:.0f}/s), "
            f"statuses {dict(statuses)}, errors {errors}"
        )
        for kind, ts in [*times.items(), ("all", every)]:
            ordered = sorted(ts)
            p50, p95, p99 = (ordered[max(0, int(len(ordered) * q) - 1)] * 1000 for q in (0.5, 0.95, 0.99))
            print(f"  {kind}: n {len(ordered)}, p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, max {ordered[-1] * 1000:.0f} ms")
    finally:
        process.terminate()
        process.wait(timeout=10)
        record.engine.dispose()
        if url:
            drop_schema(url)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "reviewers":
        args = sys.argv[2:]
        url = args[2] if len(args) > 2 and args[2] != "-" else None
        steady(float(args[0]) if args else 60.0, int(args[1]) if len(args) > 1 else 20, url, int(args[3]) if len(args) > 3 else 1)
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 3, sys.argv[2] if len(sys.argv) > 2 else None)
