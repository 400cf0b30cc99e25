"""Cutting long work into id ranges for forked worker processes (the ledger walk, big exports), and
whether forked helpers can help at all.

Workers open their own engine from the URL: a connection must never cross a fork. An
in-memory SQLite database exists in one process only, so it is always worked in one.
"""

import multiprocessing
import os
import threading

from sqlalchemy.engine import Engine

MAX_WORKERS = 4


def worker_count(engine: Engine, items: int, parallel_from: int, wanted: int | None = None) -> int:
    """How many processes `items` of work get: one below `parallel_from`, else `wanted` or one per core."""
    url = engine.url
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    if items < parallel_from or in_memory:
        return 1
    return wanted or min(os.cpu_count() or 1, MAX_WORKERS)


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def spare_core() -> bool:
    """Whether forked helpers can run beside this process: a second core, fork, and one thread here
    (a fork copies no other thread, nor the locks they hold)."""
    return cores() > 1 and "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def split(low: int, high: int, parts: int) -> list[tuple[int, int]]:
    """low..high (inclusive) as at most `parts` consecutive ranges of equal size."""
    step = -(-(high - low + 1) // parts)
    return [(start, min(start + step - 1, high)) for start in range(low, high + 1, step)]


def engine_url(engine: Engine) -> str:
    """The URL a worker opens its own engine with (the password included: it stays on this machine)."""
    return engine.url.render_as_string(hide_password=False)
