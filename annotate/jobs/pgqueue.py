"""procrastinate on PostgreSQL: the tasks, the worker, and deferring inside our transactions.

Imported only when the database is PostgreSQL (procrastinate needs psycopg, which the
default install does not have). Its tables are made by migration 0013.
"""

import logging

import procrastinate
from sqlalchemy.engine import URL
from sqlmodel import Session

from annotate.jobs import priority, tasks
from annotate.jobs.backend import Queue
from annotate.jobs.priority import lower_this_thread
from annotate.store.record import Record

QUEUE = "claimtrail"
STALLED_AFTER = 30.0  # seconds without a heartbeat before a worker is taken for dead and its jobs run again
log = logging.getLogger("claimtrail.jobs")


def conninfo(url: URL) -> str:
    """The libpq address of a SQLAlchemy URL (options such as search_path kept)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def make_app(record: Record, worker: bool = False, stalled_after: float = STALLED_AFTER) -> procrastinate.App:
    """The procrastinate app with our tasks. A worker's connector is async with a pool of its
    own; elsewhere jobs are deferred on a connection of ours (see defer), so it opens no pool."""
    info = conninfo(record.engine.url)
    connector = procrastinate.PsycopgConnector(conninfo=info) if worker else procrastinate.SyncPsycopgConnector(conninfo=info)
    app = procrastinate.App(connector=connector)
    retry = procrastinate.RetryStrategy(max_attempts=5, exponential_wait=2)  # a busy record, a lost connection

    @app.task(name="claimtrail.ingest_part", queue=QUEUE, retry=retry)
    def ingest_part(job_id: int, file_ids: list[int]) -> None:
        tasks.ingest_part(record, job_id, file_ids)  # indexes the claims it writes

    @app.task(name="claimtrail.run_kind", queue=QUEUE, retry=retry)
    def run_kind(job_id: int, kind: str) -> None:
        tasks.run_kind(record, job_id, kind)

    @app.periodic(cron="* * * * * */5", periodic_id="claimtrail.retry_stalled")
    @app.task(name="claimtrail.retry_stalled", queue=QUEUE, queueing_lock="claimtrail.retry_stalled")
    async def retry_stalled(timestamp: int) -> None:
        """A worker killed mid-job stops its heartbeat: its jobs go back in the queue for another."""
        for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after):
            log.warning("job %s of a worker that stopped answering runs again", job.id)
            await app.job_manager.retry_job(job)

    return app


_deferrers: dict[str, procrastinate.App] = {}


def _deferrer(record: Record) -> procrastinate.App:
    key = str(record.engine.url)
    if key not in _deferrers:
        _deferrers[key] = make_app(record)
    return _deferrers[key]


def _raw(session: Session):
    return session.connection().connection.driver_connection  # psycopg's, in our transaction


def defer(session: Session, record: Record, task: str, **kwargs) -> None:
    """Queue a task in the session's transaction: it exists once the transaction commits, never
    otherwise, so a ledger write and the work it calls for are recorded together."""
    _deferrer(record).configure_task(task, connection=_raw(session)).defer(**kwargs)


class ProcrastinateQueue(Queue):
    local = False  # workers may run on other machines: an upload's bytes go into its job's rows

    def _defer_parts(self, session: Session, job_id: int, parts: list[list[int]]) -> None:
        for part in parts:
            defer(session, self.record, "claimtrail.ingest_part", job_id=job_id, file_ids=part)

    def _defer_kind(self, session: Session, job_id: int, kind: str) -> None:
        defer(session, self.record, "claimtrail.run_kind", job_id=job_id, kind=kind)


def run_worker(record: Record, concurrency: int = 1, stalled_after: float = STALLED_AFTER, wait: bool = True, niceness: int = priority.BACKGROUND) -> None:
    """Run jobs until stopped (SIGINT/SIGTERM finish the jobs at hand first), at `niceness`: a web
    server on the same machine answers its pages first."""
    lower_this_thread(niceness)  # before any thread starts: they inherit it
    app = make_app(record, worker=True, stalled_after=stalled_after)
    tasks.warm_up(record)  # before taking jobs: the first one should not pay for loading the models
    heartbeat = min(10.0, stalled_after / 3)
    app.run_worker(
        queues=[QUEUE], concurrency=concurrency, wait=wait, update_heartbeat_interval=heartbeat, stalled_worker_timeout=stalled_after, delete_jobs="successful"
    )  # our job tables keep the progress
