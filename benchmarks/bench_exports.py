"""Export throughput (claims/s) and memory per format, at 10,000 and 100,000 claims.

Memory must stay flat: the iterator reads claims in pages, so peak memory should not
grow with the number of claims. Each export runs in a fresh process, which reports its
peak RSS (getrusage) and, in a second run, the peak of Python allocations (tracemalloc).
Exports run as `claimtrail export` runs them: JSONL, CSV and Web Annotation of 50,000+
claims in parallel parts, one process per core (exports/parts.py); CPU seconds add up the
workers', and "worker RSS" is the largest worker's peak. `--workers 1` measures one pass.
Target (issue 6): 1,000,000 claims to JSONL in ≤ 30 s with peak memory ≤ 300 MB.

Measured on the 2-core machine, idle (2026-11-22), 1,000,000 claims on SQLite:
  JSONL, two processes   15.4 s wall, 28.9 CPU-s, peak RSS 95 MB + 80 MB (worker)
  JSONL, --workers 1     29.1 s wall, 28.5 CPU-s, peak RSS 100 MB
  the previous release   41.3 s wall, 40.8 CPU-s (stdlib json, every decision's JSON fetched)
The same 1M record on the local PostgreSQL 15 (after ANALYZE): 24.7 s with two processes,
54.1 s with --workers 1 (the server's own CPU time comes on top of the client's).

Run: python -m benchmarks.bench_exports [N ...] [--formats jsonl,csv,…] [--workers N]
     python -m benchmarks.bench_exports --one DB_URL FORMAT OUT [--workers N]   (an existing record)
"""

import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import insert

from annotate.config import Settings
from annotate.store.ledger import Change
from annotate.store.models import DocumentText
from annotate.store.record import Record
from benchmarks.common import fresh_record, timed

FORMATS = ["jsonl", "csv", "claimreview", "webannotation", "prov"]
TEXT = (
    "Officials said on Monday that the brigade held the line near the river crossing. "
    "Local sources reported that shelling may resume within days, according to the district office. "
) * 4
QUOTE = "the brigade held the line near the river crossing"
CLAIMS_PER_DOC = 10
BATCH = 10_000


def build(record: Record, n: int) -> None:
    """n claims on n/10 documents: half accepted, one in ten in a thread, one in ten in a same_event pair."""
    start = TEXT.index(QUOTE)
    sha = __import__("hashlib").sha256(TEXT.encode()).hexdigest()
    with record.ledger.writer("cli", "cli") as w:
        w.session.execute(insert(DocumentText), [{"sha256": sha, "text": TEXT}])
        w.apply(Change("publisher.added", "publisher", set={"name": "Bench Wire"}))
        thread = w.apply(Change("thread.created", "thread", set={"name": "River crossing"}))["id"]
    for first in range(0, n, BATCH):
        with record.ledger.writer("rules@bench", "annotator") as w:
            for i in range(first, min(first + BATCH, n)):
                if i % CLAIMS_PER_DOC == 0:
                    doc = w.apply(
                        Change(
                            "document.ingested",
                            "document",
                            set={
                                "sha256": sha,
                                "file_name": f"r{i}.txt",
                                "title": f"Report {i}",
                                "url": f"https://wire.example/{i}",
                                "publisher_id": 1,
                                "published": "2024-03-01",
                                "length": len(TEXT),
                            },
                        )
                    )["id"]
                w.apply(
                    Change(
                        "claim.proposed",
                        "claim",
                        set={
                            "document_id": doc,
                            "start": start,
                            "end": start + len(QUOTE),
                            "quote": QUOTE,
                            "claimant": "Officials",
                            "event_date": "2024-03-01",
                            "published": "2024-03-01",
                            "annotator": "rules@bench",
                            "score": 0.7,
                        },
                    )
                )
        with record.ledger.writer("alice", "ui") as w:
            for claim_id in range(first + 1, min(first + BATCH, n) + 1):
                if claim_id % 2:
                    w.apply(Change("claim.accepted", "claim", claim_id, {"status": "accepted"}))
                if claim_id % 10 == 1:
                    w.apply(Change("thread_member.added", "thread_member", set={"thread_id": thread, "claim_id": claim_id, "verdict": "corroborated"}))
                if claim_id % 20 == 3 and claim_id + 10 <= n:  # pairs: the same report on two documents
                    w.apply(Change("link.created", "link", set={"a_id": claim_id, "b_id": claim_id + 10, "relation": "same_event"}))


def one(db_url: str, fmt: str, out: str, trace: bool, workers: int | None = None) -> dict:
    """Run one export in this process; its time, peak RSS and (traced) peak Python allocations."""
    from exports.manifest import export

    record = Record.open(Settings(database_url=db_url))
    if trace:
        tracemalloc.start()
    started, cpu = time.perf_counter(), _cpu()
    with record.session() as session:
        manifest = export(session, fmt, Path(out), workers=workers)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    found = {
        "seconds": seconds,
        "cpu": cpu,
        "claims": manifest["counts"]["claims"],
        "bytes": manifest["bytes"],
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }
    if trace:
        found["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    return found


def _cpu() -> float:
    """CPU seconds of this process and of its finished workers."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def measure(db_url: str, fmt: str, folder: Path, trace: bool, workers: int | None) -> dict:
    args = [sys.executable, "-m", "benchmarks.bench_exports", "--one", db_url, fmt, str(folder / f"out.{fmt}")]
    args += (["--trace"] if trace else []) + (["--workers", str(workers)] if workers else [])
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main(sizes: list[int], formats: list[str], workers: int | None) -> None:
    rows = []
    for n in sizes:
        record = fresh_record(f"exports-{n}")
        with timed(f"build {n:,} claims through the ledger", n, "claims"):
            build(record, n)
        url = record.settings.resolved_database_url
        folder = Path(tempfile.mkdtemp(prefix="claimtrail-exports-"))
        for fmt in formats:
            plain, traced = measure(url, fmt, folder, False, workers), measure(url, fmt, folder, True, workers)
            rows.append(
                (
                    n,
                    fmt,
                    plain["seconds"],
                    plain["cpu"],
                    n / plain["seconds"],
                    plain["rss_mb"],
                    plain["worker_rss_mb"],
                    traced["traced_peak_mb"],
                    plain["bytes"] / 2**20,
                )
            )
            print(
                f"{fmt:>13} {n:>9,} claims: {plain['seconds']:6.2f} s (CPU {plain['cpu']:6.2f} s), {n / plain['seconds']:9,.0f} claims/s, "
                f"peak RSS {plain['rss_mb']:6.1f} MB (worker {plain['worker_rss_mb']:6.1f} MB), Python peak {traced['traced_peak_mb']:5.1f} MB, "
                f"file {plain['bytes'] / 2**20:6.1f} MB",
                flush=True,
            )
    print("\n| format | claims | seconds | CPU s | claims/s | peak RSS MB | worker RSS MB | Python peak MB | file MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, fmt, s, cpu, rate, rss, worker_rss, peak, size in rows:
        print(f"| {fmt} | {n:,} | {s:.2f} | {cpu:.2f} | {rate:,.0f} | {rss:.0f} | {worker_rss:.0f} | {peak:.1f} | {size:.1f} |")


if __name__ == "__main__":
    argv = sys.argv[1:]
    workers = None
    if "--workers" in argv:
        workers = int(argv.pop(argv.index("--workers") + 1))
        argv.remove("--workers")
    if argv and argv[0] == "--one":
        print(json.dumps(one(argv[1], argv[2], argv[3], "--trace" in argv, workers)))
    else:
        formats = FORMATS
        if "--formats" in argv:
            formats = argv.pop(argv.index("--formats") + 1).split(",")
            argv.remove("--formats")
        main([int(a) for a in argv] or [10_000, 100_000], formats, workers)
