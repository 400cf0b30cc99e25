"""Link suggestion latency with a large record (issue 14 target: ≤ 50 ms p95 per claim at 1,000,000 claims,
SQLite) and indexing speed on one core (≥ 100 claims/s with sentence vectors, ≥ 1,000/s for the lexical leg).

Run: python -m benchmarks.bench_links [CLAIMS] [--db PATH]   (default 1,000,000; --db keeps and reuses the file)

The setup bypasses the ledger on purpose: it bulk-inserts synthetic rows straight into the
state tables, because writing a million decisions would take longer than the benchmark
and measures nothing about suggestions. The alembic 0002 triggers still run on every
row, so the full-text and entity indexes are built exactly as in real use. Sentence vectors
are synthetic (a random direction per story plus noise, stored as the index stores them):
encoding a million claims would take hours, and a suggestion's cost does not depend on what
the vectors say. Indexing speed is measured apart, on claims really encoded by the model.

The synthetic record: stories (a few entities, a handful of story words, a date) told by
several documents of ~20 claims each; claim text mixes story words, entity names and
Zipf-distributed background words, so common words are really common.
"""

import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from annotate.config import Settings
from annotate.linking import vectors
from annotate.linking.index import index_missing
from annotate.linking.suggest import suggest_links
from annotate.store.record import Record
from benchmarks.common import percentiles, timed

CLAIMS_PER_DOC = 20
DOCS_PER_STORY = 5
VOCABULARY = 40_000
ENTITIES = 20_000
SAMPLES = 300
COLD = 100  # the first calls of a process: stem and document-frequency caches empty
WARMUP = 300  # calls before the warm measurement, as a server that has been running a while


def pseudo_words(n: int, rng: random.Random) -> list[str]:
    syllables = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]
    found: dict[str, None] = {}
    while len(found) < n:
        found["".join(rng.choices(syllables, k=rng.randint(2, 4)))] = None
    return list(found)


def build(path: Path, total: int, seed: int = 7) -> None:
    rng, nrng = random.Random(seed), np.random.default_rng(seed)
    vocab = pseudo_words(VOCABULARY, rng)
    zipf = 1 / np.arange(1, VOCABULARY + 1) ** 1.05
    zipf /= zipf.sum()
    entity_pop = 1 / np.arange(1, ENTITIES + 1) ** 0.9
    entity_pop /= entity_pop.sum()
    names = [w.title() for w in pseudo_words(ENTITIES, random.Random(seed + 1))]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.executemany(
        "INSERT INTO entity (id, version, name, type, aliases, merged_into, status) VALUES (?, 1, ?, 'GPE', ?, ?, 'accepted')",
        [(i + 1, n, f'["{n}x"]' if i % 10 == 0 else "[]", (i - 1) if i % 50 == 0 and i > 1 else None) for i, n in enumerate(names)],
    )
    conn.executemany("INSERT INTO publisher (id, version, name) VALUES (?, 1, ?)", [(i, f"Outlet {i}") for i in range(1, 201)])
    stories, doc_id, claim_id, start = total // (CLAIMS_PER_DOC * DOCS_PER_STORY) + 1, 0, 0, time.perf_counter()
    for story in range(stories):
        if claim_id >= total:
            break
        ents = list(nrng.choice(ENTITIES, size=3, p=entity_pop) + 1)
        story_words = [vocab[i] for i in nrng.integers(300, VOCABULARY, size=6)]
        day = date(2022, 1, 1) + timedelta(days=int(nrng.integers(0, 1000)))
        docs, claims, story_vectors = [], [], []
        center = nrng.normal(size=vectors.DIMENSIONS)
        for _ in range(DOCS_PER_STORY):
            doc_id += 1
            published = (day + timedelta(days=int(nrng.integers(0, 60)))).isoformat()
            docs.append((doc_id, f"h{doc_id}", f"doc-{doc_id}.md", f"Story {story}", rng.randint(1, 200), published))
            background = nrng.choice(VOCABULARY, size=(CLAIMS_PER_DOC, 14), p=zipf)
            for k in range(CLAIMS_PER_DOC):
                claim_id += 1
                mine = [int(e) for e in ents if rng.random() < 0.7]
                text = [vocab[i] for i in background[k]] + rng.sample(story_words, 3) + [names[e - 1] for e in mine]
                if rng.random() < 0.3:
                    text.append(str(rng.randint(2, 5000)))
                rng.shuffle(text)
                quote = " ".join(text).capitalize() + "."
                explicit = rng.random() < 0.6  # the text gives the event's day (the event-date leg reads these)
                event = (day + timedelta(days=rng.randint(0, 3))).isoformat() if explicit else published
                claims.append((claim_id, doc_id, k * 200, k * 200 + len(quote), quote, published, str(mine), bool(rng.random() < 0.2), event, not explicit))
                v = center + 1.5 * nrng.normal(size=vectors.DIMENSIONS)
                story_vectors.append((claim_id, published, vectors.to_bytes(v / np.linalg.norm(v))))
        conn.executemany(
            "INSERT INTO document (id, version, sha256, file_name, path, format, title, publisher_id, published, "
            "inferred, boilerplate, meta, length, ingested_at) VALUES (?, 1, ?, ?, '', 'md', ?, ?, ?, '{}', '[]', '{}', 4000, '')",
            docs,
        )
        conn.executemany(
            'INSERT INTO claim (id, version, document_id, start, "end", quote, published, entity_ids, hedged, '
            "hedges, negated, status, event_date, event_date_inferred) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, '[]', 0, 'candidate', ?, ?)",
            claims,
        )
        conn.executemany("INSERT INTO claim_vector (claim_id, day, vector) VALUES (?, ?, ?)", story_vectors)
        if story % 500 == 0:
            conn.commit()
            rate = claim_id / (time.perf_counter() - start)
            print(f"\r  {claim_id:,} claims ({rate:,.0f}/s)", end="", file=sys.stderr)
    conn.commit()
    conn.execute("PRAGMA optimize")
    conn.execute("INSERT INTO claim_fts(claim_fts) VALUES ('optimize')")  # merge FTS segments, as a maintenance job would
    conn.commit()
    conn.close()
    print(file=sys.stderr)


def measure(record: Record, total: int) -> dict[str, list[float]]:
    """Latency (wall and CPU) of the first calls of a fresh process (cold caches), then of later calls (warm).

    CPU time is reported too because shared machines are noisy: on a busy 2-core VM the
    wall time measures the neighbours as much as the code.
    """
    rng = random.Random(11)
    found: dict[str, list[float]] = {"cold": [], "warm": [], "warm_cpu": []}
    with record.session() as session:
        for i in range(WARMUP + SAMPLES):
            claim_id = rng.randint(1, total)
            t, c = time.perf_counter(), time.process_time()
            assert suggest_links(session, claim_id, top=10), f"no suggestions for claim {claim_id}"
            wall, cpu = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
            if i < COLD:
                found["cold"].append(wall)
            if i >= WARMUP:
                found["warm"].append(wall)
                found["warm_cpu"].append(cpu)
    return found


def indexing(claims: int = 20_000, encoded: int = 1000) -> None:
    """Claims/s on one core: the lexical leg (claim rows through the full-text and entity triggers) and
    the sentence vectors (index_missing: the int8 MiniLM model on one thread, then stored)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "index.sqlite"
        record = Record.init(Settings(home=Path(tmp), database_url=f"sqlite:///{path}"))
        start, cpu = time.perf_counter(), time.process_time()
        build(path, claims, seed=3)  # synthetic words, but the triggers do their real work
        lexical = claims / (time.perf_counter() - start)  # includes making the synthetic text
        lexical_cpu = claims / (time.process_time() - cpu)
        conn = sqlite3.connect(path)
        conn.execute("DELETE FROM claim_vector")
        rng = random.Random(5)
        sentences = [
            "Officials said troops may pull back from the town if supply roads are cut.",
            "The defence ministry said the strike destroyed a depot near the river on Tuesday.",
            "More than 40 prisoners were killed and 130 injured, the prosecutor's office said.",
            "Forces likely seized the settlement as of October 1, the institute assessed.",
        ]
        conn.executemany("UPDATE claim SET quote = ? WHERE id = ?", [(rng.choice(sentences) + f" ({i})", i) for i in range(1, encoded + 1)])
        conn.execute("DELETE FROM claim_vector")
        conn.commit()
        conn.close()
        vectors.encoder()  # loaded once per process, not counted
        with record.session() as session:
            start, cpu = time.perf_counter(), time.process_time()
            done = index_missing(session, limit=encoded)
            rate = done / (time.perf_counter() - start)
            rate_cpu = done / (time.process_time() - cpu)
        record.engine.dispose()
    print(
        f"indexing on one core: lexical leg (FTS5 + entity triggers, bulk rows) {lexical:,.0f} claims/s "
        f"({lexical_cpu:,.0f} per CPU second); with sentence vectors (encode + store) {rate:,.0f} claims/s "
        f"({rate_cpu:,.0f} per CPU second: the figure to read on a busy machine) over {done} claims"
    )


def main(total: int = 1_000_000, db: str | None = None) -> None:
    indexing()
    path = Path(db) if db else Path(f"/tmp/claimtrail-bench-links-{total}.sqlite")
    record = Record.init(Settings(home=path.parent / "bench-home", database_url=f"sqlite:///{path}"))
    with record.session() as session:
        have = session.connection().exec_driver_sql("SELECT count(*) FROM claim").scalar()
    if have < total:
        with timed(f"bulk setup of {total:,} claims (ledger bypassed, index triggers on)", total, "claims"):
            build(path, total)
    found = measure(record, total)
    what = f"link suggestions for one claim, {total:,} claims stored (SQLite)"
    print(f"{what}, first {COLD} calls of a process: wall {percentiles(found['cold'])}")
    print(f"{what}, after {WARMUP} calls: wall {percentiles(found['warm'])}; CPU {percentiles(found['warm_cpu'])}")


if __name__ == "__main__":
    args = sys.argv[1:]
    db = args[args.index("--db") + 1] if "--db" in args else None
    numbers = [a for a in args if a.isdigit()]
    main(int(numbers[0]) if numbers else 1_000_000, db)
