"""Exports as jobs: a big claim set is written by a worker (procrastinate on PostgreSQL, the
web process's job thread on SQLite) while the job's page shows the claims read so far; the
file, with its manifest, is there to download once done.

What an export job was asked for is kept in `job.params` (format, filters, cut, options,
and for `claimtrail export --background` the file to write), and where its output went in
`job.result`. A run killed mid-way (a worker gone) is run again by the queue and starts the
file over; one that fails says why on the page and is not retried. The output is what a synchronous export writes, byte for byte: the same
`exports.manifest.export`, so `export verify` checks either.

Where the output goes: the file given on the command line, else `<home>/exports/<job id>/`
of the process that runs the job. With workers on other machines than the web server, that
folder must be shared storage (as CLAIMTRAIL_HOME's keys already are) for the page to hand
the file out; the page says where the worker wrote it when it cannot.
"""

import json
import logging
import shutil
from pathlib import Path

from sqlalchemy import func, select, update
from sqlmodel import Session

from annotate.errors import NotFound
from annotate.jobs.models import Job
from annotate.store.db import state_session
from annotate.store.ledger import utc_now
from annotate.store.models import Claim
from annotate.store.record import Record
from exports import writer
from exports.claims import Filters
from exports.manifest import bundle, export

log = logging.getLogger("claimtrail.jobs")
SYNC_CLAIMS = 20_000  # claims in the record up to which the export form answers with the file at once


def is_large(session: Session) -> bool:
    """Whether an export of this record should run as a job (counted before any filter: cheap, and
    the filters' cost is in reading every claim anyway)."""
    return (session.execute(select(func.count()).select_from(Claim)).scalar() or 0) > SYNC_CLAIMS


def export_params(fmt: str, filters: Filters, as_of: str | None, options: dict, output: str | None = None) -> dict:
    """An export job's parameters, checked now so that a bad format is refused before it is queued."""
    writer(fmt)  # FormatUnavailable (a 400, an error on the command line) for an unknown one
    return {"format": fmt, "filters": filters.as_dict(), "as_of": as_of, "options": options, "output": output}


def run_export(record: Record, job_id: int) -> None:
    """Write the export of this job; progress in job.done (claims exported so far) of job.total (the
    record's claims, before the filters: an upper bound), output in job.result."""
    with state_session(record.engine) as session:
        job = session.get(Job, job_id)
        if job is None or job.finished_at:
            return  # removed, or done by an earlier run of this task
        params = json.loads(job.params)
        total = session.execute(select(func.count()).select_from(Claim)).scalar() or 0
        _update(session, job_id, total=total, done=0, error="")
    data = _data_path(record, job_id, params)
    try:
        with Session(record.engine) as session:
            manifest = export(
                session,
                params["format"],
                data,
                Filters.from_dict(params["filters"]),
                params["as_of"],
                params["options"],
                progress=lambda claims: _tick(record, job_id, claims),
            )
        result = data if params.get("output") else bundle(data)
    except Exception as problem:  # said on the job's page; starting the export again is the user's call
        log.exception("export job %s failed", job_id)
        with state_session(record.engine) as session:
            _update(session, job_id, error=f"{type(problem).__name__}: {problem}", finished_at=utc_now())
        return
    with state_session(record.engine) as session:
        claims = manifest["counts"]["claims"]
        _update(session, job_id, done=claims, total=claims, result=str(result), finished_at=utc_now())


def download(session: Session, job_id: int) -> Path:
    """The finished export's zip, or why there is none to hand out."""
    job = session.get(Job, job_id)
    if job is None or job.kind != "export":
        raise NotFound(f"no export job {job_id}")
    if not job.result:
        raise NotFound(f"export job {job_id} has no file (yet): {job.error or 'it is not done'}")
    path = Path(job.result)
    if not path.is_file():
        raise NotFound(f"export job {job_id} wrote {path}, which this server cannot read (a worker's disk?)")
    return path


def _data_path(record: Record, job_id: int, params: dict) -> Path:
    if params.get("output"):
        return Path(params["output"])
    folder = record.settings.home.resolve() / "exports" / str(job_id)
    shutil.rmtree(folder, ignore_errors=True)  # what a killed run left
    folder.mkdir(parents=True)
    suffix = writer(params["format"]).SUFFIX
    return folder / f"claims-{params['format']}{suffix}"


def _tick(record: Record, job_id: int, claims: int) -> None:
    with state_session(record.engine) as session:
        _update(session, job_id, done=claims)


def _update(session: Session, job_id: int, **values) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(**values))  # type: ignore[arg-type]
    session.commit()
