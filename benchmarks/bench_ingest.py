"""Ingestion throughput: documents/s of ~8 kB text into SQLite, no pre-annotation.

Target (issue 2): ≥ 500 documents/s on one core.  Run: python -m benchmarks.bench_ingest [N]
(pin to one core with `taskset -c 0` for the one-core figure).

    python -m benchmarks.bench_ingest metadata [N]   # CPU time of guessing title, publisher and date
                                                     # (issue 12: an order of magnitude faster)
"""

import random
import sys
import tempfile
from pathlib import Path

from annotate.ingest.pipeline import ingest_paths
from benchmarks.common import fresh_record, timed

WORDS = (
    "brigade river crossing officials said the town shelling village forces reported "
    "northern district likely assessed withdrawal positions artillery drones supply road"
).split()
FOOTER = "Share this report\n\nSupport independent monitoring: every donation keeps our field teams working."


def report(i: int, rng: random.Random) -> str:
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 120))).capitalize() + "." for _ in range(12)]
    body = "\n\n".join(paragraphs)[:7600]
    return f"---\ntitle: Report {i}\nsource: Outlet {i % 7}\npublished: 2024-{1 + i % 12:02d}-{1 + i % 28:02d}\n---\n{body}\n\n{FOOTER}\n"


def main(n: int = 5000) -> None:
    rng = random.Random(7)
    folder = Path(tempfile.mkdtemp(prefix="claimtrail-ingest-"))
    for i in range(n):
        (folder / f"report-{i:05d}.md").write_text(report(i, rng), encoding="utf-8")
    record = fresh_record("ingest")
    with timed(f"ingest {n} documents of ~8 kB", n, "documents"):
        result = ingest_paths(record.ledger, [str(folder)])
    assert len(result.added) == n and not result.errors


def metadata(n: int = 2000) -> None:
    """Per report, the CPU time of infer_metadata on synthetic reports (ASCII, one long paragraph
    and no publisher line: every rule runs) and on the shared corpus's reports, if present."""
    import time

    from annotate.ingest.metadata import infer_metadata
    from benchmarks.bench_labelstudio import synthetic_task

    rng = random.Random(3)
    sets = {"synthetic reports": [synthetic_task(i, rng)["data"]["text"] for i in range(n)]}
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    found = sorted(p.read_text(encoding="utf-8") for p in corpus.rglob("*.txt")) if corpus.is_dir() else []
    if found:
        sets[f"shared corpus ({len(found)} texts, each {max(1, n // len(found))} times)"] = found * max(1, n // len(found))
    for label, texts in sets.items():
        started = time.process_time()
        for text in texts:
            infer_metadata(text)
        seconds = time.process_time() - started
        print(f"infer_metadata, {label}: {seconds / len(texts) * 1e6:,.0f} µs CPU per report ({len(texts)} reports)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["metadata"]:
        metadata(*map(int, sys.argv[2:3]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
