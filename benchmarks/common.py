"""Helpers shared by the benchmarks: a throwaway record and a timer."""

import os
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from annotate.config import Settings
from annotate.store.record import Record

POSTGRES = os.environ.get("CLAIMTRAIL_BENCH_POSTGRES_URL", "")


def fresh_record(name: str = "bench") -> Record:
    home = Path(tempfile.mkdtemp(prefix=f"claimtrail-{name}-"))
    return Record.init(Settings(home=home))


@contextmanager
def bench_record(name: str = "bench"):
    """A fresh record: SQLite in a temporary folder, or, with CLAIMTRAIL_BENCH_POSTGRES_URL set
    (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test), a new schema there, dropped after."""
    if not POSTGRES:
        yield fresh_record(name)
        return
    schema = f"claimtrail_bench_{name}_{os.getpid()}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES}{'&' if '?' in POSTGRES else '?'}options=-csearch_path%3D{schema}"
    try:
        yield Record.init(Settings(home=Path(tempfile.mkdtemp(prefix=f"claimtrail-{name}-")), database_url=url))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
