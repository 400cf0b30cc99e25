"""Timeline of a 500-claim thread: reading its data and drawing the SVG (issue 5 target: ≤ 200 ms).

Run: python -m benchmarks.bench_timeline [CLAIMS]

Everything is written through the ledger (a few thousand decisions is quick): 8 outlets,
claims over 14 months, a link from most claims to an earlier one, verdict changes.
"""

import random
import sys
import time
from datetime import date, timedelta

from sqlalchemy import insert

from annotate.linking.links import Links
from annotate.linking.threads import Threads
from annotate.linking.timeline import render_svg, thread_timeline
from annotate.store.ledger import Change
from annotate.store.models import DocumentText
from benchmarks.common import fresh_record, percentiles, timed

RELATIONS = ("same_event", "supports", "contradicts", "updates")


def build(record, claims: int) -> int:
    rng = random.Random(5)
    ids = []
    with record.ledger.writer("bench", "annotator") as w:
        publishers = [w.apply(Change("publisher.added", "publisher", set={"name": f"Outlet <{i}> & Co"}))["id"] for i in range(8)]
        for n in range(claims // 5):
            day = (date(2023, 1, 1) + timedelta(days=rng.randint(0, 420))).isoformat()
            text = " ".join(f'Claim {n}.{k}: officials said "troops held the line" near <town {k}>.' for k in range(5))
            sha = f"{n:064d}"
            w.session.execute(insert(DocumentText), [{"sha256": sha, "text": text}])
            doc = w.apply(
                Change(
                    "document.ingested",
                    "document",
                    set={"sha256": sha, "file_name": f"d{n}.md", "published": day, "publisher_id": rng.choice(publishers), "length": len(text)},
                )
            )
            start = 0
            for k in range(5):
                quote = f'Claim {n}.{k}: officials said "troops held the line" near <town {k}>.'
                ids.append(
                    w.apply(
                        Change(
                            "claim.proposed",
                            "claim",
                            set={"document_id": doc["id"], "start": start, "end": start + len(quote), "quote": quote, "published": day},
                        )
                    )["id"]
                )
                start += len(quote) + 1
    for i in range(5, len(ids), 1):
        other = ids[rng.randrange(0, i - i % 5)]  # an earlier claim of another document
        Links(record, "bench", "cli").link(ids[i], other, rng.choice(RELATIONS))
    thread = Threads(record, "bench", "cli").create('A long story <with> "quotes"', ids).state
    for claim_id in rng.sample(ids, 20):
        Threads(record, "lead", "ui").set_verdict(
            thread["id"], claim_id, rng.choice(["corroborated", "contested", "refuted"]), rationale="checked", evidence=({"claim": rng.choice(ids)},)
        )
    return thread["id"]


def main(claims: int = 500) -> None:
    record = fresh_record("timeline")
    with timed(f"building a {claims}-claim thread through the ledger"):
        thread_id = build(record, claims)
    data_ms, svg_ms, sizes = [], [], []
    with record.session() as session:
        for _ in range(30):
            t = time.perf_counter()
            data = thread_timeline(session, thread_id)
            t1 = time.perf_counter()
            svg = render_svg(data)
            t2 = time.perf_counter()
            data_ms.append((t1 - t) * 1000)
            svg_ms.append((t2 - t1) * 1000)
            sizes.append(len(svg))
    print(f"{len(data['claims'])} claims, {len(data['links'])} links, {len(data['verdicts'])} verdict changes, SVG {sizes[-1] / 1024:.0f} KiB")
    print(f"timeline data: {percentiles(data_ms)}")
    print(f"SVG drawing: {percentiles(svg_ms)}")
    print(f"data + drawing: {percentiles([a + b for a, b in zip(data_ms, svg_ms)])}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
