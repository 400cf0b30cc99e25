"""Pre-annotation speed: documents/s of 10 kB on one core, and start-up.

Targets (issue 15): >= 20 documents/s of 10 kB on one core; start-up (a fresh process
importing the annotator and annotating its first document) <= 1.5 s.
Run: taskset -c 0 python -m benchmarks.bench_preannotate [N] [ANNOTATOR]
The documents are the bundled example reports, joined and cut into 10,000-character
pieces, so each has the mix of names, dates and quotations of real reports.

A command on every core: `python -m benchmarks.bench_preannotate record [N]` stores N documents
of the example reports' sentences, shuffled anew for each (no paragraph repeats, so none is
boilerplate), in two fresh records and
pre-annotates them, candidates recorded, in this process alone and with forked annotators on
every core (what `claimtrail ingest` and `preannotate` do), alternated twice.
"""

import subprocess
import sys
import time
from pathlib import Path

from annotate.preannotate.base import DocumentInput
from annotate.preannotate.registry import get_annotator

REPORTS = Path(__file__).resolve().parents[1] / "examples" / "reports"
SIZE = 10_000
STARTUP = (
    "import time; t, c = time.perf_counter(), time.process_time()\n"
    "from annotate.preannotate.base import DocumentInput\n"
    "from annotate.preannotate.registry import get_annotator\n"
    "get_annotator({name!r}).annotate(DocumentInput({text!r}, published='2024-03-01'))\n"
    "print(time.perf_counter() - t, time.process_time() - c)\n"
)


def documents(n: int) -> list[DocumentInput]:
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(REPORTS.glob("*")) if p.is_file())
    pieces = [text[i : i + SIZE] for i in range(0, len(text) - SIZE + 1, SIZE // 3)]
    return [DocumentInput(pieces[i % len(pieces)], published="2024-03-01") for i in range(n)]


def startup(name: str, text: str) -> tuple[float, float]:
    """Seconds (wall, CPU) from a fresh interpreter to the first document annotated (imports included)."""
    out = subprocess.run([sys.executable, "-c", STARTUP.format(name=name, text=text)], capture_output=True, text=True, check=True)
    wall, cpu = out.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def main(n: int = 200, name: str = "rules") -> None:
    docs = documents(n)
    annotator = get_annotator(name)
    annotator.annotate(docs[0])  # loads the gazetteer, matcher and model once
    start, cpu = time.perf_counter(), time.process_time()
    for doc in docs:
        annotator.annotate(doc)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"{name}@{annotator.version}: {n} documents of {SIZE:,} characters in {seconds:.2f} s = {n / seconds:.1f} documents/s"
        f" ({n / cpu:.1f} per CPU second: the figure to read on a busy machine)"
    )
    runs = [startup(name, docs[0].text) for _ in range(3)]
    print(
        f"start-up (fresh process, imports to first document): best {min(w for w, _ in runs):.2f} s wall, "
        f"{min(c for _, c in runs):.2f} s CPU, of {', '.join(f'{w:.2f}/{c:.2f}' for w, c in runs)}"
    )


def distinct_documents(n: int) -> list[str]:
    """n texts of about SIZE characters: the example reports' sentences shuffled anew for each, in
    paragraphs of four, so no paragraph repeats (a repeated one would be boilerplate, left alone)."""
    import random
    import re

    sentences = [s for p in sorted(REPORTS.glob("*")) if p.is_file() for s in re.split(r"(?<=[.!?])\s+", p.read_text(encoding="utf-8")) if len(s) > 40]
    rng, texts = random.Random(7), []
    for _ in range(n):
        chosen, size = [], 0
        while size < SIZE:
            chosen.append(rng.choice(sentences))
            size += len(chosen[-1]) + 1
        texts.append("\n\n".join(" ".join(chosen[k : k + 4]) for k in range(0, len(chosen), 4)))
    return texts


def on_every_core(n: int = 200) -> None:
    from annotate.ingest.pipeline import ingest_items
    from annotate.ingest.source import SourceDocument
    from annotate.preannotate.processes import annotating_processes
    from annotate.preannotate.store import preannotate
    from benchmarks.common import fresh_record

    texts = distinct_documents(n)
    for round_ in range(2):
        for forked in (False, True):
            record = fresh_record(f"preannotate-{round_}-{forked}")
            ingest_items(record.ledger, [SourceDocument(text=t, file_name=f"d{i}.txt", path=f"d{i}.txt", format="txt") for i, t in enumerate(texts)])
            annotator = get_annotator("rules")
            annotator.annotate(DocumentInput(texts[0][:2000], published="2024-03-01"))
            start, cpu = time.perf_counter(), time.process_time()
            with annotating_processes(annotator, n if forked else 0) as pool:
                report = preannotate(record.ledger, annotator, pool=pool)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            how = f"forked annotators ({'on every core' if pool else 'not used'})" if forked else "this process alone"
            print(
                f"{n} stored documents pre-annotated, {report.claims} claims and {report.mentions} mentions recorded, {how}: {seconds:.2f} s = {n / seconds:.1f} documents/s ({cpu:.2f} s CPU here)",
                flush=True,
            )
            record.engine.dispose()


if __name__ == "__main__":
    if sys.argv[1:2] == ["record"]:
        on_every_core(*(int(a) for a in sys.argv[2:3]))
    else:
        main(*(int(a) if a.isdigit() else a for a in sys.argv[1:]))
