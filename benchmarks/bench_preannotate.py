"""Pre-annotation speed: documents/s of 10 kB on one core, and start-up.

Targets (issue 15): >= 20 documents/s of 10 kB on one core; start-up (a fresh process
importing the annotator and annotating its first document) <= 1.5 s.
Run: taskset -c 0 python -m benchmarks.bench_preannotate [N] [ANNOTATOR]
The documents are the bundled example reports, joined and cut into 10,000-character
pieces, so each has the mix of names, dates and quotations of real reports.
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


if __name__ == "__main__":
    main(*(int(a) if a.isdigit() else a for a in sys.argv[1:]))
