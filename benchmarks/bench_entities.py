"""The entity names pre-annotation resolves against, as a record grows: read whole against
caught up from the ledger (what each job part paid before, and what it pays now).

Each part of a background job pre-annotates its documents against every entity's name and
aliases. They used to be read whole for each part: seconds at a few hundred thousand
entities, as much as the part's own work. A worker now keeps them and reads only the
entities decided since its last look.

    python -m benchmarks.bench_entities [N]     # default 200000 entities, then 50 more
"""

import sys
import tempfile
import time
from pathlib import Path

from annotate.config import Settings
from annotate.preannotate.store import EntityNames
from annotate.store.record import Record


def propose(record: Record, names: list[str]) -> None:
    with record.ledger.writer("bench", "cli") as writer:
        for name in names:
            writer.add("entity", "entity.proposed", {"name": name, "type": "ORG", "aliases": [name.upper()]}, "", "[]")


def cpu_ms(record: Record, names: EntityNames) -> float:
    with record.session() as session:
        start = time.process_time()
        names.catch_up(session)
        return (time.process_time() - start) * 1000


def main(n: int = 200_000) -> None:
    record = Record.init(Settings(home=Path(tempfile.mkdtemp(prefix="claimtrail-bench-entities-"))))
    propose(record, [f"Entity number {i}" for i in range(n)])
    names = EntityNames()
    whole = cpu_ms(record, names)
    propose(record, [f"Newcomer {i}" for i in range(50)])  # what another part proposed meanwhile
    again = cpu_ms(record, names)
    print(f"{n:,} entities (SQLite): read whole {whole:,.0f} ms CPU; caught up after 50 more {again:,.1f} ms CPU; {len(names.by_name):,} names held")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
