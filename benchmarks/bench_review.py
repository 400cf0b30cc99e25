"""The review workbench's server time on SQLite with 10,000 documents and 200,000 candidates.

Targets (issues 4 and 11): document view p95 ≤ 50 ms; accept/reject partial p95 ≤ 20 ms and
≤ 10 kB; any page of the queue (its review-state filters and "my queue" too) and the lead's
dashboard p95 ≤ 50 ms. The app runs in its own uvicorn process (one worker) and says in a
`Server-Timing` header how long it took from a request's arrival to its response's start
(the body is rendered by then), in wall time and in the server process's CPU time; an httpx
client in this process sends one request at a time. On a busy shared machine wall time
swells with the load while CPU time stays near what an idle machine's wall time would be.
Run: python -m benchmarks.bench_review [DOCS [HOME]]  (HOME: a record built by an earlier run)
On PostgreSQL: CLAIMTRAIL_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test python -m benchmarks.bench_review
(a fresh schema, dropped after).
"""

import hashlib
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import insert, select

from annotate import accounts
from annotate.config import Settings
from annotate.errors import Invalid
from annotate.store import statistics
from annotate.store.ledger import Change
from annotate.store.models import Claim, DocumentText
from annotate.store.record import Record
from benchmarks.common import bench_record, percentiles, timed

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "reports"
CLAIMS, MENTIONS = 8, 12  # candidates per document: 20


def templates() -> list[tuple[str, list[tuple[int, int]], list[tuple[int, int, str]]]]:
    """Example report texts with sentence spans (claims) and capitalised words (mentions)."""
    out = []
    for path in sorted(EXAMPLES.glob("*.md")) + sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences = [(m.start(), m.end()) for m in re.finditer(r"[A-Z][^.\n]{30,}\.", text)][:CLAIMS]
        words = [(m.start(), m.end(), "GPE") for m in re.finditer(r"\b[A-Z][a-z]{3,}\b", text)][:MENTIONS]
        out.append((text, sentences, words))
    return out


def build(record, documents: int) -> None:
    bases = templates()
    per_batch = 500
    for first in range(0, documents, per_batch):
        with record.ledger.writer("rules@bench", "annotator") as w:
            if first == 0:
                for n in range(20):
                    w.apply(Change("publisher.added", "publisher", set={"name": f"Outlet {n}"}))
            texts = []
            for i in range(first, min(first + per_batch, documents)):
                base, sentences, words = bases[i % len(bases)]
                text = f"{base}\n\nReference {i}."
                sha = hashlib.sha256(text.encode()).hexdigest()
                texts.append({"sha256": sha, "text": text})
                doc = w.apply(
                    Change(
                        "document.ingested",
                        "document",
                        set={
                            "sha256": sha,
                            "file_name": f"doc-{i}.md",
                            "title": f"Report {i}",
                            "publisher_id": 1 + i % 20,
                            "published": f"20{22 + i % 3}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                            "length": len(text),
                        },
                    )
                )["id"]
                for start, end in sentences:
                    w.apply(
                        Change(
                            "claim.proposed",
                            "claim",
                            set={
                                "document_id": doc,
                                "start": start,
                                "end": end,
                                "quote": text[start:end],
                                "annotator": "rules@bench",
                                "score": 0.6,
                                "reason": "attribution: said",
                            },
                        )
                    )
                for start, end, label in words:
                    w.apply(
                        Change(
                            "mention.proposed",
                            "mention",
                            set={
                                "document_id": doc,
                                "start": start,
                                "end": end,
                                "text": text[start:end],
                                "label": label,
                                "annotator": "rules@bench",
                                "score": 0.9,
                                "reason": "gazetteer",
                            },
                        )
                    )
            w.session.execute(insert(DocumentText), texts)


class ServerTiming:
    """ASGI wrapper adding `Server-Timing: app;dur=<ms>, cpu;dur=<ms>` (arrival → response start)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        start, cpu = time.perf_counter(), time.process_time()

        async def timed_send(message):
            if message["type"] == "http.response.start":
                took = f"app;dur={(time.perf_counter() - start) * 1000:.2f}, cpu;dur={(time.process_time() - cpu) * 1000:.2f}".encode()
                message["headers"] = [*message.get("headers", []), (b"server-timing", took)]
            await send(message)

        await self.app(scope, receive, timed_send)


def timed_app():
    """uvicorn --factory benchmarks.bench_review:timed_app"""
    from server.app import app_from_env

    return ServerTiming(app_from_env())


def sample(client: httpx.Client, label: str, urls, method: str = "GET", form: dict | None = None) -> None:
    wall, cpu, size = [], [], []
    for url in urls:
        response = client.request(method, url, data=form, headers={"HX-Request": "true"} if method == "POST" else {})
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
        app, used = re.findall(r"dur=([\d.]+)", response.headers["server-timing"])
        wall.append(float(app))
        cpu.append(float(used))
        size.append(len(response.content))
    print(f"{label}: wall {percentiles(wall)}; CPU {percentiles(cpu)}; bytes median {sorted(size)[len(size) // 2]:,}, max {max(size):,}")


def main(documents: int = 10_000, home: str | None = None) -> None:
    """Build a record (or reuse one built before, at `home`), serve it and measure."""
    if home:
        return run(Record.open(Settings(home=Path(home))), documents)
    with bench_record("review") as record:
        with timed(f"build {documents:,} documents with {documents * (CLAIMS + MENTIONS):,} candidates", documents, "documents"):
            build(record, documents)
            statistics.refresh(record.engine)  # as a bulk write does (PostgreSQL)
        if record.engine.dialect.name == "sqlite":
            print(f"record kept at {record.settings.home} (pass it as the second argument to measure again)")
        run(record, documents)


def run(record, documents: int) -> None:
    for name, role in [("alice", "reviewer"), *((f"reviewer{n}", "reviewer") for n in range(1, 5)), ("lea", "lead")]:
        try:
            accounts.add_user(record, name, role, "benchmark password")
        except accounts.AccountError:
            pass
    assign_all(record, documents)
    with serving(record) as address, httpx.Client(base_url=address, follow_redirects=False, timeout=30) as client:
        sign_in(client)
        measure(client, record, documents)
    record.engine.dispose()


def assign_all(record, documents: int) -> None:
    """Every document but the last 1,000 on one of five reviewers' queues (alice has a fifth), some done
    and approved: the queue's review filters and the dashboard then read a realistic desk."""
    from annotate.review.assignments import Assignments

    desk = Assignments(record, "lea", "cli", "lead")
    names = ["alice", *(f"reviewer{n}" for n in range(1, 5))]
    with timed("assign documents", documents - 1000, "documents"):
        for n, name in enumerate(names):
            desk.assign([i for i in range(1, documents - 999) if i % len(names) == n], name)
    with timed("mark a thousand done, approve half", 1000, "documents"):
        for i in range(1, min(documents - 999, 1001)):
            try:
                Assignments(record, names[i % len(names)], "cli", "reviewer").done(i)
                if i % 2:
                    desk.approve(i)
            except Invalid:  # done already: a record built by an earlier run
                pass


@contextmanager
def serving(record):
    port = free_port()
    env = {
        **os.environ,
        "CLAIMTRAIL_HOME": str(record.settings.home),
        "CLAIMTRAIL_DATABASE_URL": record.settings.database_url,
        "CLAIMTRAIL_SECRET": secrets.token_urlsafe(32),
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "benchmarks.bench_review:timed_app", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=Path(__file__).resolve().parents[1], env=env)
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{address}/login")
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        yield address
    finally:
        process.terminate()
        process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_in(client: httpx.Client, name: str = "alice") -> None:
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": name, "password": "benchmark password", "csrf_token": token})
    client.headers["X-CSRF-Token"] = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/keys").text).group(1)


def measure(client: httpx.Client, record, documents: int) -> None:
    rng = random.Random(4)
    doc = lambda: f"/documents/{rng.randint(1, documents)}"  # noqa: E731
    for _ in range(20):
        client.get(doc())  # warm up
    sample(client, "document view (full page, 20 candidates)", [doc() for _ in range(300)])
    with record.session() as session:
        fresh = session.execute(select(Claim.id).where(Claim.version == 1)).scalars().all()
    claims = rng.sample(fresh, 600)
    sample(client, "accept partial (decided item, counters)", [f"/review/claim/{c}/accept" for c in claims[:300]], "POST", {"version": 1})
    sample(client, "reject partial", [f"/review/claim/{c}/reject" for c in claims[300:]], "POST", {"version": 1})
    for status in ("all", "todo"):  # keyset pages: any document id starts a page
        urls = [f"/queue?status={status}&after={rng.randint(51, documents)}" for _ in range(150)] + [f"/queue?status={status}&after=51"] * 10
        sample(client, f"queue page (status={status}, anywhere in {documents:,} documents)", urls)
    sample(client, "queue with full-text search", ["/queue?status=all&q=Bakhmut+withdrawal", "/queue?status=all&q=evacuation"] * 20)
    sample(client, "queue by publisher", [f"/queue?status=all&publisher={rng.randint(1, 20)}&after={rng.randint(51, documents)}" for _ in range(100)])
    sample(
        client,
        "my queue (alice: to do or in review)",
        ["/queue"] * 20 + [f"/queue?assignee=alice&review=open&status=all&after={rng.randint(51, documents)}" for _ in range(80)],
    )
    for review in ("done", "approved", "sent_back", "none", "in_review"):
        sample(client, f"queue by review state ({review})", [f"/queue?review={review}&status=all&after={rng.randint(51, documents)}" for _ in range(60)])
    sample(
        client,
        "queue: one reviewer's documents waiting for approval",
        [f"/queue?assignee=reviewer{rng.randint(1, 4)}&review=done&status=all" for _ in range(60)],
    )
    sign_in(client, "lea")
    sample(client, "dashboard (lead)", ["/dashboard"] * 60)
    sample(client, "document view as the lead (header with review, history)", [doc() for _ in range(100)])


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, sys.argv[2] if len(sys.argv) > 2 else None)
