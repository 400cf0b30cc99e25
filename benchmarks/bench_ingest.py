"""Ingestion throughput: documents/s of ~8 kB text into SQLite, no pre-annotation.

Target (issue 2): ≥ 500 documents/s on one core.  Run: python -m benchmarks.bench_ingest [N]
(pin to one core with `taskset -c 0` for the one-core figure).
"""

import random
import sys
import tempfile
from pathlib import Path

from annotate.ingest.pipeline import ingest_paths
from benchmarks.common import fresh_record, timed

WORDS = ("brigade river crossing officials said the town shelling village forces reported "
         "northern district likely assessed withdrawal positions artillery drones supply road").split()  # fmt: skip
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


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
