"""Run the PostgreSQL queue until it is empty, as a worker would, from inside a test."""

import threading


def drain(record) -> None:
    """On a thread of its own: procrastinate's worker starts an event loop, and the main thread may
    already run one (Playwright's, when the browser tests ran first in the same session)."""
    from annotate.jobs.pgqueue import run_worker

    failed: list[BaseException] = []

    def work() -> None:
        try:
            run_worker(record, wait=False)
        except BaseException as problem:  # noqa: BLE001 - handed to the test's thread
            failed.append(problem)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=600)
    if failed:
        raise failed[0]
