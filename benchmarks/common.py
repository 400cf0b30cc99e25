"""Helpers shared by the benchmarks: a throwaway record and a timer."""

import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from annotate.config import Settings
from annotate.store.record import Record


def fresh_record(name: str = "bench") -> Record:
    home = Path(tempfile.mkdtemp(prefix=f"claimtrail-{name}-"))
    return Record.init(Settings(home=home))


@contextmanager
def timed(label: str, count: int | None = None, unit: str = "items"):
    start = time.perf_counter()
    yield
    seconds = time.perf_counter() - start
    rate = f", {count / seconds:,.0f} {unit}/s" if count else ""
    print(f"{label}: {seconds:.3f} s{rate}")


def percentiles(samples_ms: list[float]) -> str:
    samples = sorted(samples_ms)
    p95 = samples[int(len(samples) * 0.95) - 1]
    return f"p50 {statistics.median(samples):.2f} ms, p95 {p95:.2f} ms"
