"""Claim search latency (the links panel's `/` search and GET /api/search/claims) on a large record.

Run: python -m benchmarks.bench_search [CLAIMS] [--db PATH]   (default 1,000,000; reuses bench_links' synthetic
record, built once with the ledger bypassed and the index triggers on)

Queries a reviewer types: three words of a claim, an entity's name, a week of dates, a name and a
week; each for a random claim of the record, first page of 10, its own document left out.
"""

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from annotate.config import Settings
from annotate.linking.search import ClaimQuery, search
from annotate.store.models import Claim, Entity
from annotate.store.record import Record
from benchmarks.bench_links import build
from benchmarks.common import percentiles, timed

SAMPLES = 100


def queries(session, claim: Claim, rng: random.Random) -> dict[str, ClaimQuery]:
    words = [w.strip(".") for w in claim.quote.split() if not w.strip(".").isdigit()]
    day = date.fromisoformat(claim.published)
    week = (day.isoformat(), (day + timedelta(days=6)).isoformat())
    name = session.get(Entity, claim.entity_ids[0]).name if claim.entity_ids else None
    found = {"3 words": ClaimQuery(words=" ".join(rng.sample(words, 3))), "a week": ClaimQuery(date_from=week[0], date_to=week[1])}
    if name:
        found["a name"] = ClaimQuery(entity=name)
        found["a name and a week"] = ClaimQuery(entity=name, date_from=week[0], date_to=week[1])
    return found


def measure(record: Record, total: int) -> dict[str, list[float]]:
    rng = random.Random(5)
    found: dict[str, list[float]] = {}
    with record.session() as session:
        for _ in range(SAMPLES):
            claim = session.get(Claim, rng.randint(1, total))
            for how, query in queries(session, claim, rng).items():
                query = ClaimQuery(**{**query.__dict__, "exclude_document": claim.document_id})
                t = time.perf_counter()
                search(session, query)
                found.setdefault(how, []).append((time.perf_counter() - t) * 1000)
    return found


def main(total: int = 1_000_000, db: str | None = None) -> None:
    path = Path(db) if db else Path(f"/tmp/claimtrail-bench-links-{total}.sqlite")
    record = Record.init(Settings(home=path.parent / "bench-home", database_url=f"sqlite:///{path}"))
    with record.session() as session:
        have = session.connection().exec_driver_sql("SELECT count(*) FROM claim").scalar()
    if have < total:
        with timed(f"bulk setup of {total:,} claims (ledger bypassed, index triggers on)", total, "claims"):
            build(path, total)
    for how, times in measure(record, total).items():
        print(f"claim search by {how}, {total:,} claims stored (SQLite), first page: wall {percentiles(times)}")


if __name__ == "__main__":
    args = sys.argv[1:]
    db = args[args.index("--db") + 1] if "--db" in args else None
    numbers = [a for a in args if a.isdigit()]
    main(int(numbers[0]) if numbers else 1_000_000, db)
