"""The audit log's filters at 1,000,000 decisions: who changed this, when, and from what.

Target (issue: "an auditor answers in seconds"): every filter of `claimtrail audit log` and
of the /audit page — user, action, date range, document, claim, thread, and together — shows
its first page and a deep page in ≤ 1 s at 1,000,000 decisions, on SQLite and on PostgreSQL,
without giving up the ledger's write targets (bench_ledger). The CSV download of a filtered
log is timed too.

The record is written through the ledger, as a year of work: documents ingested by `cli`,
mentions, entities and claims proposed by an annotator, reviewed by four reviewers, linked,
put in threads with verdicts by a lead, and a few reverts by a rare admin (~100 decisions
per document; the ledger's clock is replaced by one that spreads the decisions over 2024).

Each filter is asked `--repeat` times with a different user, document, claim, thread or
date each time, as the /audit page asks it (200 rows + 1): the first page, then a deep page
(older than the decision at 10 % of the ledger: the far end of "Older decisions"). Wall
time p50/p95 and the mean CPU time of this process (on SQLite the whole query runs in this
process; on PostgreSQL the server's CPU is not in it). Then the /audit page, the chain
verification its header fetches, and CSV downloads, through the app (in process).
PostgreSQL runs as the test server is set up: autovacuum off, so the planner has no
statistics unless someone runs ANALYZE.

Run: python -m benchmarks.bench_audit [DECISIONS] [--postgres URL] [--repeat N] [--keep]
     python -m benchmarks.bench_audit --reuse HOME  (time again a record kept by --keep)
With --postgres the record is built in a schema of its own, dropped at the end (unless --keep).

Measured (shared 2-core machine, load 0.8–2 from other benchmarks; 1,000,000 decisions,
--repeat 10; p50 / p95 ms of a first page; before = 0002 and the audit code it shipped with):

| filter | SQLite before | after | PostgreSQL before | after |
|---|---:|---:|---:|---:|
| user: a rare admin (0.01 %) | 409 / 24,436 | 4.6 / 18 | 377 / 7,250 | 3.6 / 9.4 |
| user: nobody (a typo) | 367 / 523 | 0.5 / 0.6 | 296 / 332 | 1.3 / 1.4 |
| action: thread.created (0.02 %) | 370 / 466 | 5.9 / 22 | 318 / 397 | 4.5 / 15 |
| action: claim.reverted (0.01 %) | 396 / 609 | 5.0 / 5.7 | 317 / 372 | 3.7 / 5.0 |
| dates: a day | 21 / 38 | 11 / 16 | 209 / 312 | 42 / 54 |
| dates: a week | 126 / 188 | 30 / 39 | 146 / 329 | 45 / 64 |
| dates: ten months | 2,953 / 5,435 | 240 / 943 | 42 / 57 | 79 / 100 |
| dates: until a day in Q1 | 260 / 293 | 33 / 65 | 298 / 334 | 286 / 1,055 |
| dates: since a day in Q4 | 5.3 / 6.7 | 34 / 142 | 7.3 / 8.8 | 24 / 29 |
| rare action + ten months | 244 / 284 | 120 / 136 | 417 / 461 | 30 / 36 |
| document | 3.7 / 8.9 | 7.8 / 14 | 526 / 586 | 12 / 21 |
| claim | 1.1 / 3.9 | 2.5 / 5.8 | 430 / 462 | 3.2 / 6.7 |
| user + document | 2.7 / 5.0 | 3.0 / 7.6 | 373 / 430 | 12 / 16 |
| a reviewer's own, one claim | 0.8 / 3.6 | 1.6 / 4.6 | 342 / 374 | 4.3 / 7.9 |

The other first pages (everything, common users and actions, claim.*, thread, a reviewer's
own log, user + action + week) stay under 35 ms p50 before and after, but for PostgreSQL's
thread before (144 ms). Deep pages: p50 ≤ 112 ms before, ≤ 187 ms after. Costs of the
change: a date range first reads up to 300,000 (SQLite) or 50,000 (PostgreSQL) entries of
the index on `at`, 0.1–0.2 s when the range is wider than that (SQLite, deep pages: ten
months 7 → 187 ms, since a day in Q4 19 → 68 ms). Repeated in one process, warm, SQLite
ten months is p50 171 / p95 262 ms (18 samples); the 0.9–1 s p95 above are cold pages:
this machine reclaims idle page cache, and the first query after a pause reads from disk. /audit page: 4.2–10.6 s before (the chain
verified on every load), 0.01–0.1 s after, its header fetched after from /audit/chain
(3.8–4.7 s). CSV of a reviewer's year (55,000 rows): 1.9–3.2 s before, 1.7–2.5 s after;
of one document: 0.01 s (PostgreSQL before: 0.7–0.9 s).
"""

import csv
import hashlib
import io
import random
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text

import annotate.store.ledger
from annotate.config import Settings
from annotate.review.audit import AuditFilter, Viewer, audit_log
from annotate.store.ledger import Change
from annotate.store.models import Claim, Decision, Document, DocumentText, Thread
from annotate.store.record import Record
from benchmarks.common import fresh_record, timed

ANNOTATOR, REVIEWERS, LEAD, RARE = "rules@0.3.0", ("alice", "bob", "dave", "frank"), "carol", "erin"
PER_DOC = 100  # decisions per document, see write_block
BLOCK = 100  # documents per round of transactions
PAGE = 200
TEXT = "The ministry said the bridge near the river crossing was repaired on Monday, officials reported. " * 8


class Clock:
    """The ledger's clock, spreading `total` decisions evenly over 2024."""

    def __init__(self, total: int):
        self.now, self.step = datetime(2024, 1, 1, tzinfo=UTC), timedelta(days=365) / total

    def __call__(self) -> str:
        self.now += self.step
        return self.now.isoformat(timespec="microseconds")


@dataclass
class World:
    documents: int
    claims: int
    threads: int
    head: int


# --- building the record ----------------------------------------------------------------


def build(record: Record, total: int) -> None:
    annotate.store.ledger.utc_now = Clock(total)  # decisions over a year, not over the minutes the build takes
    sha = hashlib.sha256(TEXT.encode()).hexdigest()
    with record.ledger.writer("cli", "cli") as w:
        w.session.execute(insert(DocumentText), [{"sha256": sha, "text": TEXT}])
    documents = total // PER_DOC
    for first in range(0, documents, BLOCK):
        write_block(record, sha, first, min(first + BLOCK, documents))


def write_block(record: Record, sha: str, first: int, last: int) -> None:
    """Documents first..last-1, ~100 decisions each, in one transaction per actor."""
    ledger, docs = record.ledger, range(first, last)
    with ledger.writer("cli", "cli") as w:
        ingested = [Change("document.ingested", "document", set={"sha256": sha, "file_name": f"r{i}.txt", "length": len(TEXT)}) for i in docs]
        ids = [w.apply(change)["id"] for change in ingested]
    with ledger.writer(ANNOTATOR, "annotator") as w:
        proposed = [propose(w, doc, i) for i, doc in zip(docs, ids)]
    for reviewer_at, reviewer in enumerate(REVIEWERS):
        with ledger.writer(reviewer, "ui") as w:
            for i, (claims, mentions) in zip(docs, proposed):
                if i % len(REVIEWERS) == reviewer_at:
                    review(w, i, claims, mentions)
    with ledger.writer(LEAD, "ui") as w:
        thread = None
        for i, (claims, _) in zip(docs, proposed):
            thread = curate(w, i, claims, thread)
    with ledger.writer(RARE, "cli") as w:  # an admin's rare revert: one per block
        w.apply(Change("claim.reverted", "claim", proposed[0][0][1], {"status": "candidate"}, rationale="bench revert"))


def propose(w, doc: int, i: int) -> tuple[list[int], list[int]]:
    """55 mentions, 2 entities and 14 claims, as pre-annotation writes them."""
    mentions = [
        w.apply(
            Change(
                "mention.proposed",
                "mention",
                set={
                    "document_id": doc,
                    "start": m * 9,
                    "end": m * 9 + 7,
                    "text": "Bakhmut",
                    "label": "GPE",
                    "annotator": ANNOTATOR,
                    "score": 0.9,
                    "reason": "gaz.gpe: known place",
                },
            )
        )["id"]
        for m in range(55)
    ]
    for e in range(2):
        w.apply(Change("entity.proposed", "entity", set={"name": f"Unit {i}-{e}", "type": "MILITARY_UNIT"}))
    claims = [
        w.apply(
            Change(
                "claim.proposed",
                "claim",
                set={
                    "document_id": doc,
                    "start": c * 97,
                    "end": c * 97 + 80,
                    "quote": f"the bridge near crossing {i}.{c} was repaired",
                    "claimant": "The ministry",
                    "annotator": ANNOTATOR,
                    "score": 0.6,
                    "reason": "attribution: said",
                },
            )
        )["id"]
        for c in range(14)
    ]
    return claims, mentions


def review(w, i: int, claims: list[int], mentions: list[int]) -> None:
    """22 decisions: 6 claims accepted, 2 rejected, 2 corrected; 10 mentions accepted, 2 rejected."""
    for n, claim_id in enumerate(claims[:10]):
        if n < 6:
            w.apply(Change("claim.accepted", "claim", claim_id, {"status": "accepted"}))
        elif n < 8:
            w.apply(Change("claim.rejected", "claim", claim_id, {"status": "rejected"}, rationale="not a claim"))
        else:
            w.apply(Change("claim.corrected", "claim", claim_id, {"status": "corrected", "claimant": f"Officer {i}"}))
    for n, mention_id in enumerate(mentions[:12]):
        status = "accepted" if n < 10 else "rejected"
        w.apply(Change(f"mention.{status}", "mention", mention_id, {"status": status}))


def curate(w, i: int, claims: list[int], thread: int | None) -> int:
    """6 decisions: links to the previous document's claims, a thread per 50 documents, a verdict."""
    if i % 50 == 0 or thread is None:
        thread = w.apply(Change("thread.created", "thread", set={"name": f"Story {i // 50}"}))["id"]
    for n in range(2 if i % 50 == 0 else 3):
        w.apply(Change("link.created", "link", set={"a_id": claims[n], "b_id": max(1, claims[n] - 14), "relation": "same_event"}))
    member = w.apply(Change("thread_member.added", "thread_member", set={"thread_id": thread, "claim_id": claims[0]}))["id"]
    w.apply(Change("thread_member.added", "thread_member", set={"thread_id": thread, "claim_id": claims[1]}))
    w.apply(Change("thread_member.verdict_set", "thread_member", member, {"verdict": "corroborated"}))
    return thread


def world(record: Record) -> World:
    with record.session() as s:
        count = lambda column: s.execute(select(func.max(column))).scalar() or 0  # noqa: E731
        return World(count(Document.id), count(Claim.id), count(Thread.id), count(Decision.seq))


# --- asking ------------------------------------------------------------------------------

Ask = Callable[[random.Random, World], tuple[AuditFilter, Viewer]]
ADMIN = Viewer("carol", "admin")


def day(rng: random.Random, first: int = 0, last: int = 365) -> datetime:
    return datetime(2024, 1, 1) + timedelta(days=rng.randint(first, last - 1))


def week(rng: random.Random, days: int = 7) -> dict:
    start = day(rng, 0, 366 - days)
    return {"since": start.date().isoformat(), "until": (start + timedelta(days=days - 1)).date().isoformat()}


FILTERS: list[tuple[str, Ask]] = [
    ("everything", lambda r, w: (AuditFilter(), ADMIN)),
    ("user: a reviewer (5 %)", lambda r, w: (AuditFilter(actor=r.choice(REVIEWERS)), ADMIN)),
    ("user: the annotator (71 %)", lambda r, w: (AuditFilter(actor=ANNOTATOR), ADMIN)),
    ("user: a rare admin (0.01 %)", lambda r, w: (AuditFilter(actor=RARE), ADMIN)),
    ("user: nobody (a typo)", lambda r, w: (AuditFilter(actor=f"alicia{r.randint(1, 9)}"), ADMIN)),
    ("action: claim.accepted (6 %)", lambda r, w: (AuditFilter(action="claim.accepted"), ADMIN)),
    ("action: thread.created (0.02 %)", lambda r, w: (AuditFilter(action="thread.created"), ADMIN)),
    ("action: claim.reverted (0.01 %)", lambda r, w: (AuditFilter(action="claim.reverted"), ADMIN)),
    ("action: thread_member.* (3 %)", lambda r, w: (AuditFilter(action="thread_member.*"), ADMIN)),
    ("action: claim.* (25 %)", lambda r, w: (AuditFilter(action="claim.*"), ADMIN)),
    ("dates: a week", lambda r, w: (AuditFilter(**week(r)), ADMIN)),
    ("dates: a day", lambda r, w: (AuditFilter(**week(r, 1)), ADMIN)),
    ("dates: ten months", lambda r, w: (AuditFilter(**week(r, 300)), ADMIN)),
    ("dates: until a day in Q1", lambda r, w: (AuditFilter(until=day(r, 0, 91).date().isoformat()), ADMIN)),
    ("dates: since a day in Q4", lambda r, w: (AuditFilter(since=day(r, 274).date().isoformat()), ADMIN)),
    ("rare action + ten months", lambda r, w: (AuditFilter(action="claim.reverted", **week(r, 300)), ADMIN)),
    ("document", lambda r, w: (AuditFilter(document=r.randint(1, w.documents)), ADMIN)),
    ("claim", lambda r, w: (AuditFilter(claim=r.randint(1, w.claims)), ADMIN)),
    ("thread", lambda r, w: (AuditFilter(thread=r.randint(1, w.threads)), ADMIN)),
    ("user + action + week", lambda r, w: (AuditFilter(actor=r.choice(REVIEWERS), action="claim.*", **week(r)), ADMIN)),
    ("user + document", lambda r, w: (AuditFilter(actor=reviewer_of(doc := r.randint(1, w.documents)), document=doc), ADMIN)),
    ("a reviewer's own log", lambda r, w: (AuditFilter(), Viewer(r.choice(REVIEWERS), "reviewer"))),
    ("a reviewer's own, one claim", lambda r, w: (AuditFilter(claim=r.randint(1, w.claims)), Viewer(r.choice(REVIEWERS), "reviewer"))),
]


def reviewer_of(document: int) -> str:
    return REVIEWERS[(document - 1) % len(REVIEWERS)]  # documents are numbered in the order write_block reviews them


def page(record: Record, f: AuditFilter, viewer: Viewer, before: int | None) -> list[dict]:
    """What the /audit page reads: one page and one more row (is there an older page?)."""
    with record.session() as session:
        return list(audit_log(session, f, viewer, limit=PAGE + 1, before=before))


def measure(record: Record, w: World, ask: Ask, before: int | None, repeat: int, rng: random.Random) -> dict:
    wall, cpu, rows = [], [], []
    for _ in range(repeat):
        f, viewer = ask(rng, w)
        started, used = time.perf_counter(), time.process_time()
        rows.append(len(page(record, f, viewer, before)))
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    wall.sort()
    return {
        "p50": statistics.median(wall),
        "p95": wall[max(0, round(len(wall) * 0.95) - 1)],
        "max": wall[-1],
        "cpu": statistics.mean(cpu),
        "rows": statistics.median(rows),
    }


def filters(record: Record, w: World, repeat: int) -> list[tuple]:
    found = []
    for name, ask in FILTERS:
        for where, before in (("first", None), ("deep", w.head // 10)):
            m = measure(record, w, ask, before, repeat, random.Random(name))
            found.append((name, where, m))
            print(
                f"{name:>34} {where:>5} page: p50 {m['p50']:8.1f} ms, p95 {m['p95']:8.1f} ms, max {m['max']:8.1f} ms, "
                f"CPU {m['cpu']:8.1f} ms, rows {m['rows']:.0f}",
                flush=True,
            )
    return found


# --- the page and its CSV, through the app --------------------------------------------


def through_the_app(record: Record, w: World) -> None:
    from fastapi.testclient import TestClient

    from annotate import accounts
    from server.app import create_app
    from server.settings import ServerSettings

    if not accounts.authenticate(record, LEAD, "benchmark password"):
        accounts.add_user(record, LEAD, "lead", "benchmark password")
    token = accounts.create_api_token(record, LEAD, "bench")
    app = create_app(ServerSettings(record=record.settings, secret="bench-" + "z" * 40))
    rng = random.Random(7)
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        for label, url in (
            ("/audit page, a reviewer", "/audit?user=alice"),
            ("/audit page, a document", f"/audit?document={rng.randint(1, w.documents)}"),
            ("/audit page, a rare admin", f"/audit?user={RARE}"),
            ("/audit/chain (the page's header: the whole chain verified)", "/audit/chain"),
        ):
            fetch(client, label, url, repeat=3)
        for label, url in (
            ("CSV: one document", f"/audit.csv?document={rng.randint(1, w.documents)}"),
            ("CSV: a reviewer's corrections in a month", "/audit.csv?user=alice&action=claim.corrected&since=2024-03-01&until=2024-03-31"),
            ("CSV: a reviewer, all year", "/audit.csv?user=alice"),
            ("CSV: a rare admin", f"/audit.csv?user={RARE}"),
        ):
            fetch(client, label, url, repeat=3)


def fetch(client, label: str, url: str, repeat: int) -> None:
    wall, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    lines = len(list(csv.reader(io.StringIO(response.text)))) - 1 if url.startswith("/audit.csv") else response.text.count("<tr id=")
    print(
        f"{label}: {min(wall):.3f} s best of {repeat}, median {statistics.median(wall):.3f} s (CPU here {statistics.median(cpu):.3f} s), "
        f"{lines:,} rows, {len(response.content) / 2**20:.1f} MB",
        flush=True,
    )


# --- where the record lives -------------------------------------------------------------


@contextmanager
def postgres_record(url: str, keep: bool):
    """A record in a schema of its own on the server at `url`, dropped afterwards unless kept."""
    schema = f"claimtrail_bench_audit_{int(time.time())}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    home = fresh_record("audit-pg").settings.home  # for the checkpoint key
    sep = "&" if "?" in url else "?"
    record = Record.init(Settings(home=home, database_url=f"{url}{sep}options=-csearch_path%3D{schema}"))
    try:
        yield record
    finally:
        record.engine.dispose()
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def sqlite_record():
    yield fresh_record("audit")


def reuse(home: str) -> Record:
    """A record kept by --keep: its home holds the key and database_url.txt."""
    url = (Path(home) / "database_url.txt").read_text().strip()
    return Record.open(Settings(home=Path(home), database_url=url))


def run(record: Record, total: int | None, repeat: int, keep: bool) -> None:
    if total:
        with timed(f"build {total:,} decisions through the ledger", total, "decisions"):
            build(record, total)
    if keep:
        (record.settings.home / "database_url.txt").write_text(record.settings.resolved_database_url)
        print(f"record kept: --reuse {record.settings.home}")
    w = world(record)
    print(
        f"{w.head:,} decisions, {w.documents:,} documents, {w.claims:,} claims, {w.threads:,} threads; "
        f"{record.engine.dialect.name}; load {open('/proc/loadavg').read().split()[:3]}",
        flush=True,
    )
    found = filters(record, w, repeat)
    through_the_app(record, w)
    print("\n| filter | page | p50 ms | p95 ms | CPU ms | rows |\n|---|---|---:|---:|---:|---:|")
    for name, where, m in found:
        print(f"| {name} | {where} | {m['p50']:.1f} | {m['p95']:.1f} | {m['cpu']:.1f} | {m['rows']:.0f} |")
    print(f"load after: {open('/proc/loadavg').read().split()[:3]}")


def main(argv: list[str]) -> None:
    option = lambda name, default=None: argv[argv.index(name) + 1] if name in argv else default  # noqa: E731
    keep, repeat = "--keep" in argv, int(option("--repeat", 10))
    if option("--reuse"):
        return run(reuse(option("--reuse")), None, repeat, keep=False)
    values = {option(n) for n in ("--postgres", "--repeat")}
    total = next((int(a) for a in argv if a.isdigit() and a not in values), 1_000_000)
    where = postgres_record(option("--postgres"), keep) if option("--postgres") else sqlite_record()
    with where as record:
        run(record, total, repeat, keep)


if __name__ == "__main__":
    main(sys.argv[1:])
