"""Ledger throughput, verification time and read latency.

Targets (issue 2): ≥ 1,000 decisions/s one transaction each; ≥ 20,000/s batched;
`audit verify` over 1,000,000 decisions ≤ 10 s; a claim's history and an as-of read
≤ 5 ms with 1,000,000 decisions stored. Issue 12: batched claims (each also feeding the
full-text and claim-entity indexes) ≥ 25,000/s.  Run: python -m benchmarks.bench_ledger [N]
(or `python -m benchmarks.bench_ledger batched [N]`: only N batched mentions, then N claims)

CPU time (of this process) is printed beside wall time: on a shared, loaded machine it is
the steadier figure. With CLAIMTRAIL_BENCH_POSTGRES_URL set (e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/test) the record is a fresh schema there,
dropped at the end; the server's own CPU time is then not in the CPU figure.
"""

import random
import sys
import time
from contextlib import contextmanager

from annotate.store.ledger import Change, history, object_as_of
from annotate.store.verify import verify
from benchmarks.common import bench_record, percentiles


@contextmanager
def timed(label: str, count: int, unit: str = "decisions"):
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label}: {wall:.3f} s wall ({count / wall:,.0f} {unit}/s), {cpu:.3f} s CPU ({count / cpu:,.0f} {unit}/s of CPU)")


def claim(i: int) -> Change:
    quote = f"Officials said on day {i} that the brigade held the line near the river crossing."
    return Change("claim.proposed", "claim", set={"document_id": 1 + i % 500, "start": i, "end": i + len(quote), "quote": quote, "score": 0.5})


def mention(i: int) -> Change:
    return Change(
        "mention.proposed",
        "mention",
        set={
            "document_id": 1 + i % 500,
            "start": i,
            "end": i + 7,
            "text": "Bakhmut",
            "label": "GPE",
            "entity_id": 3,
            "annotator": "rules@bench",
            "score": 0.9,
            "reason": "gaz.gpe: known place",
        },
    )


def main(total: int = 1_000_000) -> None:
    with bench_record("ledger") as record:
        run(record, total)
        record.engine.dispose()


def run(record, total: int) -> None:
    ledger = record.ledger
    print(f"on {record.engine.dialect.name}")

    n = 2_000
    with timed("single new claims, one transaction each", n, "decisions"):
        for i in range(n):
            ledger.record("alice", "ui", claim(i))
    with timed("single reviews (accept one claim), one transaction each", n, "decisions"):
        for claim_id in range(1, n + 1):
            ledger.record("bob", "ui", Change("claim.accepted", "claim", claim_id, set={"status": "accepted"}, base_version=1))

    # Entity mentions: what pre-annotation writes most; no full-text index to maintain.
    with timed("batched mention proposals (10000 per transaction), 100,000", 100_000, "decisions"):
        for start in range(0, 100_000, 10_000):
            with ledger.writer("rules@bench", "annotator") as writer:
                for i in range(start, start + 10_000):
                    writer.apply(mention(i))

    # Claims: each insert also feeds the FTS5 index and the claim-entity index (triggers).
    batch, done = 10_000, n
    with timed(f"batched claim proposals ({batch} per transaction) up to {total:,}", total - done, "decisions"):
        while done < total:
            with ledger.writer("rules@bench", "annotator") as writer:
                for i in range(done, min(done + batch, total)):
                    writer.apply(claim(i))
            done = min(done + batch, total)

    # A few objects with long histories among the million.
    with ledger.writer("alice", "ui") as writer:
        for claim_id in range(1, 101):
            for v in range(5):
                writer.apply(Change("claim.corrected", "claim", claim_id, set={"quote": f"edit {v}"}))

    with timed(f"audit verify over {done + 500:,} decisions (chain only)", done + 500, "decisions"):
        report = verify(record.engine, check_state=False)
    assert report.ok, report.problems

    samples_history, samples_as_of = [], []
    with record.session() as session:
        for _ in range(500):
            claim_id = random.randint(1, done)
            t = time.perf_counter()
            history(session, "claim", claim_id)
            samples_history.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            object_as_of(session, "claim", claim_id, random.randint(1, done))
            samples_as_of.append((time.perf_counter() - t) * 1000)
    print(f"claim history with {done + 500:,} decisions: {percentiles(samples_history)}")
    print(f"as-of read of one claim: {percentiles(samples_as_of)}")
    storage(record)


def storage(record) -> None:
    """Bytes on disk per decision (the decision and the state row with their indexes), for sizing."""
    with record.engine.connect() as conn:
        decisions = conn.exec_driver_sql("SELECT max(seq) FROM decision").scalar()
        if record.engine.dialect.name == "sqlite":
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar() * conn.exec_driver_sql("PRAGMA page_size").scalar()
            print(f"database: {pages / 1e6:,.0f} MB, {pages / decisions:,.0f} bytes per decision (state, indexes and full text included)")
            return
        for table in ("decision", "claim", "mention", "claim_entity"):
            size = conn.exec_driver_sql(f"SELECT pg_total_relation_size('{table}')").scalar()
            print(f"{table}: {size / 1e6:,.0f} MB with indexes and TOAST, {size / decisions:,.0f} bytes per decision")


def batched(n: int = 50_000) -> None:
    """Only the batched appends: n mentions, then n claims, 10,000 per transaction."""
    with bench_record("ledger") as record:
        for label, make in (("mentions", mention), ("claims", claim)):
            with timed(f"{record.engine.dialect.name}: batched {label}, {n:,}", n):
                for start in range(0, n, 10_000):
                    with record.ledger.writer("rules@bench", "annotator") as writer:
                        for i in range(start, min(n, start + 10_000)):
                            writer.apply(make(i))
        record.engine.dispose()


if __name__ == "__main__":
    if sys.argv[1:2] == ["batched"]:
        batched(*map(int, sys.argv[2:3]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
