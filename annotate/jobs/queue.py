"""Who runs the job functions: procrastinate workers on PostgreSQL, this process on SQLite.

PostgreSQL: a job's rows (ours and procrastinate's) are written in one transaction, so a
job is either queued whole or not at all; `claimtrail worker` processes on any machine
that reaches the database run its parts. SQLite (the default, `make demo`): one thread of
the web process runs the parts in order, and a restarted process picks up what was left;
`claimtrail ingest --background` starts a detached `claimtrail jobs run` instead. The
procrastinate module (and its psycopg) is imported only on PostgreSQL.
"""

import logging
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from sqlmodel import Session

from annotate.jobs import state, tasks
from annotate.jobs.backend import Queue
from annotate.jobs.priority import lower_this_thread
from annotate.store.db import is_sqlite, state_session
from annotate.store.record import Record

log = logging.getLogger("claimtrail.jobs")
JOB_WAIT = 30.0  # seconds a job's write waits for the lock (a web request waits 3)


class InProcessQueue(Queue):
    """SQLite: one background thread of this process runs the parts, one after the other."""

    def __init__(self, record: Record):
        super().__init__(record)
        self.worker_record = Record.open(replace(record.settings, db_wait=max(record.settings.db_wait, JOB_WAIT)), check_schema=False)
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimtrail-jobs", initializer=lower_this_thread)  # pages first

    def resume(self) -> int:
        """Run again what a stopped process left unfinished; returns the number of parts."""
        with Session(self.record.engine) as session:
            left = state.unfinished(session)
            exports = state.unfinished_of_kind(session, "export")
        for job_id, parts in left:
            self._started(job_id, parts)
        for job_id in exports:
            self._started_kind(job_id, "export")  # starts the file over
        return sum(len(parts) for _, parts in left) + len(exports)

    def _started(self, job_id: int, parts: list[list[int]]) -> None:
        for part in parts:
            self._submit(tasks.ingest_part, self.worker_record, job_id, part)  # each indexes the claims it writes

    def _started_kind(self, job_id: int, kind: str) -> None:
        self._submit(tasks.run_kind, self.worker_record, job_id, kind)

    def _submit(self, fn, *args) -> Future:
        future = self.pool.submit(fn, *args)
        future.add_done_callback(_log_failure)
        return future

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)  # parts not started stay queued: the next start resumes them
        self.worker_record.engine.dispose()


class DetachedQueue(Queue):
    """SQLite from the command line: the job runs in a process of its own that outlives the command."""

    def _started(self, job_id: int, parts: list[list[int]]) -> None:
        self._spawn(job_id)

    def _started_kind(self, job_id: int, kind: str) -> None:
        self._spawn(job_id)

    def _spawn(self, job_id: int) -> None:
        url = self.record.engine.url.render_as_string(hide_password=False)
        command = [sys.executable, "-m", "annotate", "jobs", "run", str(job_id), "--db", url]
        subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _log_failure(future: Future) -> None:
    if not future.cancelled() and future.exception():
        log.error("background job failed", exc_info=future.exception())


def run_now(record: Record, job_id: int) -> None:
    """Run what is left of a job in this process (`claimtrail jobs run`)."""
    with state_session(record.engine) as session:
        job = state.get_job(session, job_id)
        kind = job.kind
        parts = state.retry_parts(session, job_id) if kind == "ingest" and not job.cancelled else []
        session.commit()
    if kind != "ingest":
        return tasks.run_kind(record, job_id, kind)
    for part in parts:
        tasks.ingest_part(record, job_id, part)


def queue_for(record: Record, detached: bool = False) -> Queue:
    """The queue this record's database calls for (the web server: in-process; commands: detached)."""
    if not is_sqlite(record.engine):
        from annotate.jobs.pgqueue import ProcrastinateQueue

        return ProcrastinateQueue(record)
    return DetachedQueue(record) if detached else InProcessQueue(record)
