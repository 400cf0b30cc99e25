"""Jobs as the upload page and `claimtrail jobs` see them: created with their files, read
with their progress and per-file report, cancelled, retried."""

import json
from collections import Counter
from pathlib import Path

from sqlalchemy import case, func, select, update
from sqlmodel import Session, col

from annotate.errors import Invalid, NotFound
from annotate.jobs.intake import Incoming
from annotate.jobs.models import CANCELLED, DONE, FAILED, QUEUED, REFUSED, RUNNING, TO_DO, Job, JobFile
from annotate.jobs.pieces import where
from annotate.store.ledger import utc_now

# Files one task reads and ingests together: the first parts small, so the first documents
# are there to review within seconds; later ones bigger, so two workers seldom queue on what
# each part does once (its job rows, its ledger transactions, the planner's statistics).
# With 100, two workers made 1.88-1.91x one worker's rate; with 25, 1.82-1.83x (docs/jobs.md).
PART_FILES = (10, 25, 50, 100)  # the k-th part at most PART_FILES[k], the last size from then on
PART_BYTES = 4 * 1024 * 1024  # or fewer, when they are large


def create_ingest_job(
    session: Session, actor: str, origin: str, files: list[Incoming], preannotate: bool = True, local: bool = True
) -> tuple[Job, list[list[int]]]:
    """The job and its files (refused ones already with their reason), and its parts: file ids,
    one task each. The caller commits, with the tasks deferred in the same transaction.

    A file spooled to disk stays there for the job to read when the job runs on this machine
    (`local`); for workers elsewhere its bytes go into the job's row, one file at a time."""
    job = Job(kind="ingest", actor=actor, origin=origin, created_at=utc_now(), preannotate=preannotate, total=len(files))
    session.add(job)
    session.flush()
    rows, part, size, count, alone = [], 0, 0, 0, False
    for position, item in enumerate(files):
        if not item.accepted:
            rows.append(JobFile(job_id=job.id, position=position, part=-1, name=item.name, status=REFUSED, errors=json.dumps([item.reason])))
            continue
        length, piece = item.size, item.first_line is not None
        if count and (count >= part_files(part) or size + length > PART_BYTES or piece or alone):
            part, size, count = part + 1, 0, 0
        alone = piece  # a piece of a big file has a part of its own: its name is its file's
        path = item.path if local else None
        data = item.data if item.path is None else None if local else Path(item.path).read_bytes()
        row = JobFile(job_id=job.id, position=position, part=part, name=item.name, size=length, data=data, path=path, first_line=item.first_line or 1)
        if data is not None and item.path is not None:
            session.add(row)
            session.flush()
            session.expire(row, ["data"])  # in the database now: not in memory as well
        rows.append(row)
        size, count = size + length, count + 1
    session.add_all(rows)
    session.flush()
    return job, _parts(rows)


def part_files(part: int) -> int:
    """How many files the part numbered `part` (from 0) holds at most."""
    return PART_FILES[min(part, len(PART_FILES) - 1)]


def create_job(session: Session, kind: str, actor: str, origin: str, params: dict | None = None) -> Job:
    job = Job(kind=kind, actor=actor, origin=origin, created_at=utc_now(), preannotate=False, params=json.dumps(params or {}))
    session.add(job)
    session.flush()
    return job


def _parts(rows: list) -> list[list[int]]:
    parts: dict[int, list[int]] = {}
    for row in rows:
        if row.status in TO_DO:
            parts.setdefault(row.part, []).append(row.id)  # type: ignore[arg-type]
    return [parts[p] for p in sorted(parts)]


def get_job(session: Session, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    return job


def job_view(session: Session, job_id: int, limit: int | None = None) -> dict:
    """The job with its progress and its files' outcomes (no file contents): every file in order,
    or at most `limit`, those refused or failed first, then those done with records refused — a
    page polled every second cannot list 10,000 files (`more` says how many are left out)."""
    job = get_job(session, job_id)
    files = _file_rows().where(JobFile.job_id == job_id)
    if limit is not None:
        files = files.order_by(case((col(JobFile.status).in_((FAILED, REFUSED)), 0), (_with_problems(), 1), else_=2)).limit(limit)
    shown = [_file_view(row) for row in session.execute(files.order_by(JobFile.position)).all()]
    counts, sums = _tallies(session, [job_id])
    more = sum(counts[job_id].values()) - len(shown)
    return {**_summary(job, counts[job_id], sums[job_id]), "files": shown, "path": job.result, "more": more}


def job_status(session: Session, job_id: int) -> dict:
    """The job's progress without its files' report, counted by the database: what a poll of a big
    job needs (the full view reads every file's row)."""
    job = get_job(session, job_id)
    counts, sums = _tallies(session, [job_id])
    return _summary(job, counts[job_id], sums[job_id])


def list_jobs(session: Session, limit: int = 20, actor: str | None = None) -> list[dict]:
    query = select(Job).order_by(Job.id.desc()).limit(limit)  # type: ignore[union-attr]
    if actor:
        query = query.where(Job.actor == actor)
    jobs = session.execute(query).scalars().all()
    counts, sums = _tallies(session, [job.id for job in jobs])  # type: ignore[misc]
    return [_summary(job, counts[job.id], sums[job.id]) for job in jobs]  # type: ignore[index]


def _tallies(session: Session, job_ids: list[int]) -> tuple[dict[int, Counter], dict[int, Counter]]:
    """Per job: its file rows by status; the documents read and added, the files uploaded (a
    file cut into pieces is one) and the files done with some records refused, summed in the
    database: one pass over the job's rows."""
    counts: dict[int, Counter] = {i: Counter() for i in job_ids}
    sums: dict[int, Counter] = {i: Counter() for i in job_ids}
    c = JobFile.__table__.c  # type: ignore[attr-defined]
    first = func.sum(case((c.first_line == 1, 1), else_=0))  # an uploaded file's row, or its first piece's
    partial = func.sum(case((_with_problems(), 1), else_=0))
    columns = (c.job_id, c.status, func.count(), func.sum(c.documents), func.sum(c.added), first, partial)
    query = select(*columns).where(c.job_id.in_(job_ids)).group_by(c.job_id, c.status)
    for job_id, status, rows, documents, added, files, partly in session.execute(query):
        counts[job_id][status] += rows
        sums[job_id].update(documents=documents or 0, added=added or 0, files=files or 0, partly=partly or 0)
    return counts, sums


def _with_problems():
    """A file read, whose bad records (a JSONL line, a task) were refused and named."""
    c = JobFile.__table__.c  # type: ignore[attr-defined]
    return (c.status == DONE) & (c.errors != "[]")


def _summary(job: Job, statuses: Counter, sums: Counter) -> dict:
    if job.kind == "ingest":
        total, finished = job.total, sum(n for s, n in statuses.items() if s in (DONE, REFUSED, CANCELLED))
        failed = statuses[FAILED] + statuses[REFUSED]
        active = statuses[QUEUED] + statuses[RUNNING]
        started = statuses[RUNNING] > 0 or finished > statuses[REFUSED]
    else:
        total, finished, failed = job.total, job.done, int(bool(job.error))
        active = 0 if job.finished_at else 1
        started = job.done > 0
    if job.cancelled:
        status = CANCELLED
    elif active:
        status = RUNNING if started else QUEUED
    elif statuses[FAILED] or (job.kind != "ingest" and job.error):
        status = FAILED
    else:
        status = DONE
    return {
        "id": job.id,
        "kind": job.kind,
        "actor": job.actor,
        "origin": job.origin,
        "created_at": job.created_at,
        "status": status,
        "total": total,
        "finished": finished,
        "failed": failed,
        "percent": 100 if status == DONE else int(100 * finished / total) if total else 0,
        "files_uploaded": sums["files"] if job.kind == "ingest" else 0,  # fewer than `total` when files were cut into pieces
        "documents": sums["documents"],
        "added": sums["added"],
        "partly": sums["partly"],  # files done with some records refused (each names them)
        "error": job.error,
        "finished_at": job.finished_at,
        "result": Path(job.result).name if job.result else None,  # an export's file, to download
    }


def _file_rows():
    c = JobFile.__table__.c  # type: ignore[attr-defined]
    return select(c.id, c.name, c.size, c.status, c.documents, c.added, c.errors, c.document_ids, c.first_line)


def _file_view(row) -> dict:
    return {
        "id": row.id,
        "name": row.name,
        "size": row.size,
        "status": row.status,
        "documents": row.documents,
        "added": row.added,
        "errors": json.loads(row.errors),
        "document_ids": json.loads(row.document_ids),
        "first_line": row.first_line,
        "starts": where(row.name, row.first_line) if row.first_line > 1 else "",  # "from line 4,211" for a later piece
    }


def cancel(session: Session, job_id: int) -> Job:
    """Files not started yet are not read; a part already running finishes its batch."""
    job = get_job(session, job_id)
    job.cancelled = True
    session.execute(update(JobFile).where(JobFile.job_id == job_id, JobFile.status == QUEUED).values(status=CANCELLED))
    session.flush()
    return job


def retry_parts(session: Session, job_id: int) -> list[list[int]]:
    """The parts whose files are not done (failed, or left running by a worker that died), to run again."""
    job = get_job(session, job_id)
    if job.kind != "ingest":
        raise Invalid(f"job {job_id} is a {job.kind} job: start a new one instead")
    job.cancelled = False
    session.execute(update(JobFile).where(JobFile.job_id == job_id, JobFile.status == CANCELLED).values(status=QUEUED))
    rows = session.execute(select(JobFile.id, JobFile.part, JobFile.status).where(JobFile.job_id == job_id).order_by(JobFile.position)).all()
    parts = _parts(list(rows))
    if not parts:
        raise Invalid(f"job {job_id} has nothing left to do")
    session.flush()
    return parts


def unfinished(session: Session) -> list[tuple[int, list[list[int]]]]:
    """Ingest jobs with files still to do: what a restarted web process (SQLite) runs again."""
    rows = session.execute(
        select(JobFile.id, JobFile.job_id, JobFile.part, JobFile.status)
        .join(Job, Job.id == JobFile.job_id)
        .where(Job.cancelled == False, JobFile.status.in_(TO_DO))  # noqa: E712 (SQL, not Python)
        .order_by(JobFile.job_id, JobFile.position)
    ).all()
    by_job: dict[int, list] = {}
    for row in rows:
        by_job.setdefault(row.job_id, []).append(row)
    return [(job_id, _parts(files)) for job_id, files in by_job.items()]


def unfinished_of_kind(session: Session, kind: str) -> list[int]:
    """Jobs without files of this kind not finished: what a restarted web process (SQLite) runs again."""
    query = select(Job.id).where(Job.kind == kind, Job.finished_at.is_(None), Job.cancelled == False)  # type: ignore[union-attr]  # noqa: E712
    return list(session.execute(query.order_by(Job.id)).scalars())
