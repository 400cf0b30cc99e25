"""Ledger throughput, verification time and read latency.

Targets (issue 2): ≥ 1,000 decisions/s one transaction each; ≥ 20,000/s batched;
`audit verify` over 1,000,000 decisions ≤ 10 s; a claim's history and an as-of read
≤ 5 ms with 1,000,000 decisions stored.  Run: python -m benchmarks.bench_ledger [N]
"""

import random
import sys
import time

from annotate.store.ledger import Change, history, object_as_of
from annotate.store.verify import verify
from benchmarks.common import fresh_record, percentiles, timed


def claim(i: int) -> Change:
    quote = f"Officials said on day {i} that the brigade held the line near the river crossing."
    return Change("claim.proposed", "claim", set={"document_id": 1 + i % 500, "start": i, "end": i + len(quote), "quote": quote, "score": 0.5})


def mention(i: int) -> Change:
    return Change("mention.proposed", "mention", set={
        "document_id": 1 + i % 500, "start": i, "end": i + 7, "text": "Bakhmut", "label": "GPE",
        "entity_id": 3, "annotator": "rules@bench", "score": 0.9, "reason": "gaz.gpe: known place"})  # fmt: skip


def main(total: int = 1_000_000) -> None:
    record = fresh_record("ledger")
    ledger = record.ledger

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


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
