"""The job functions: the same code whether a procrastinate worker or the web process runs them.

Each is safe to run again after a crash: ingestion is idempotent by content hash (a text
already stored is "unchanged"), pre-annotation skips documents this annotator version has
done (checked under the write lock), and every batch is one ledger transaction, so a run
killed mid-way leaves whole batches or nothing, and the next run finishes the rest.
"""

import json
import logging
import os
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select, update
from sqlmodel import Session

from annotate.ingest.pipeline import ingest_items, sha256_text
from annotate.ingest.readers import read_path
from annotate.ingest.source import ReadError, SourceDocument
from annotate.jobs.models import CANCELLED, DONE, FAILED, QUEUED, REFUSED, RUNNING, TO_DO, Job, JobFile
from annotate.store import statistics
from annotate.store.db import state_session
from annotate.store.ledger import utc_now
from annotate.store.models import Document
from annotate.store.record import Record

log = logging.getLogger("claimtrail.jobs")  # what a worker did, a line a part (`claimtrail worker` shows it)


def ingest_part(record: Record, job_id: int, file_ids: list[int]) -> None:
    """Read these files of the job, ingest their documents, propose candidates, report per file."""
    with state_session(record.engine) as session:
        session.expire_on_commit = False  # the rows read are used after the commit
        job = session.get(Job, job_id)
        if job is None:
            return  # the job was removed: nothing to do
        if job.cancelled:
            _set(session, file_ids, status=CANCELLED, only=(QUEUED,))
            return
        query = select(JobFile.id, JobFile.name, JobFile.data, JobFile.path, JobFile.first_line)
        files = session.execute(query.where(JobFile.id.in_(file_ids), JobFile.status.in_(TO_DO))).all()
        if not files:
            return  # done by an earlier run of this task
        actor, origin, preannotate = job.actor, job.origin, job.preannotate
        _set(session, [f.id for f in files], status=RUNNING)
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="claimtrail-job-") as tmp:
            outcome = _exports(record, job_id, files, tmp, actor)
            items = _read(job_id, [f for f in files if f.name not in outcome], tmp)
        outcome |= _ingest(record, items, actor, origin, preannotate, _export_documents(outcome))
    except Exception as problem:
        with state_session(record.engine) as session:
            _set(session, [f.id for f in files], status=FAILED, errors=json.dumps([f"{type(problem).__name__}: {problem}"]))
        raise  # the queue retries the part; a later run redoes the files still to do
    results = [outcome.get(f.name, (0, [], [], 0)) for f in files]  # each file's (documents, errors, ids, added)
    with state_session(record.engine) as session:
        for f, (docs, errors, ids, added) in zip(files, results):
            session.execute(
                update(JobFile)
                .where(JobFile.id == f.id)
                .values(
                    status=REFUSED if errors and not docs else DONE,
                    documents=docs,
                    added=added,
                    errors=json.dumps(errors),
                    document_ids=json.dumps(ids),
                    data=None,
                    path=None,
                )
            )
        session.commit()
    for f in files:
        _remove_spooled(f.path)
    statistics.refresh(record.engine)  # a big job makes the planner's picture of the record stale
    _log_part(job_id, results, time.perf_counter() - started)


def _log_part(job_id: int, outcomes: list[tuple], seconds: float) -> None:
    """One line for the part: its files' (documents, errors, ids, added), summed."""
    documents = added = refused = partly = 0
    for docs, errors, _, new in outcomes:
        documents, added = documents + docs, added + new
        refused, partly = refused + bool(errors and not docs), partly + bool(errors and docs)
    problems = f", {refused} refused" if refused else ""
    problems += f", {partly} with records refused" if partly else ""
    log.info("job %s: %s file(s), %s documents (%s new)%s, in %.1f s", job_id, len(outcomes), documents, added, problems, seconds)


def _exports(record: Record, job_id: int, files, tmp: str, actor: str) -> dict[str, tuple]:
    """Label Studio exports with predictions or annotations, each in one pass (labelstudio/intake.py):
    {file name: outcome as _ingest gives it}."""
    from annotate.labelstudio.intake import import_export, predicted_tasks

    outcome: dict[str, tuple] = {}
    for row in files:
        tasks = predicted_tasks(_copy(row, tmp))
        if tasks is None:
            continue
        done = import_export(record, tasks, actor, f"upload/{job_id}/{row.name}", row.first_line)
        with Session(record.engine) as session:
            ids = sorted(set(_ids_by_sha(session, set(done.shas)).values()))
        added = len(done.report.document_ids) if done.report else 0
        outcome[row.name] = (0 if done.problems else done.tasks, done.problems, ids, added)
    return outcome


def _export_documents(outcome: dict[str, tuple]) -> list[int]:
    """Every document the exports hold, not only those they added: a run that died after an
    export's import and before pre-annotating it leaves them in, and the next run must still
    propose ours (documents done already are skipped)."""
    return [i for found in outcome.values() for i in found[2]]


def _copy(row, tmp: str) -> str:
    """Where the job reads a file: in place when spooled, else a private copy of its bytes."""
    if row.path:  # spooled as it was uploaded: read in place
        return row.path
    folder = os.path.join(tmp, str(row.id))
    copy = os.path.join(folder, row.name.rsplit("/", 1)[-1])
    if not os.path.exists(copy):
        os.mkdir(folder)
        with open(copy, "wb") as out:
            out.write(row.data or b"")
    return copy


def _read(job_id: int, files, tmp: str) -> list[tuple[str, SourceDocument | ReadError]]:
    """(file name, each document or error it holds), read from a private copy and named by the
    upload, never by the copy's path. A document's path in the record is `upload/JOB/NAME`:
    without a URL, documents of different uploads are never versions of each other."""
    items: list[tuple[str, SourceDocument | ReadError]] = []
    for row in files:
        copy = _copy(row, tmp)
        for item in read_path(copy, row.first_line):
            if isinstance(item, ReadError):
                items.append((row.name, replace(item, path=row.name, reason=item.reason.replace(copy, row.name))))
            else:
                items.append((row.name, replace(item, path=f"upload/{job_id}/{row.name}")))
    return items


def _remove_spooled(path: str | None) -> None:
    """An upload's spool file once read, and the folders it leaves empty (up to the upload's own)."""
    if not path:
        return
    spooled = Path(path)
    spooled.unlink(missing_ok=True)
    for folder in list(spooled.parents)[:5]:  # its own, a piece's, an archive's entries, the upload's
        if folder.name == "uploads":
            break
        try:
            folder.rmdir()
        except OSError:
            break  # not empty: other files of the upload still wait


def _ingest(record: Record, items: list, actor: str, origin: str, preannotate: bool, also: list[int] = ()) -> dict[str, tuple]:
    """{file name: (documents read, reasons, document ids, how many of them new)}; `also`:
    documents read otherwise (Label Studio exports), pre-annotated with these."""
    report = ingest_items(record.ledger, [item for _, item in items], actor, origin)
    shas: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}
    for name, item in items:
        if isinstance(item, SourceDocument):
            shas.setdefault(name, []).append(sha256_text(item.text))
    refused: Counter[str] = Counter()  # documents the database refused, by file
    for error in report.errors:  # the readers' (path: the file's name) and the database's (path: upload/JOB/NAME)
        name = error.path.split("/", 2)[2] if error.path.startswith("upload/") else error.path
        refused[name] += error.path.startswith("upload/")
        where = (f"line {error.line}: " if error.line is not None else "") + (f"field '{error.field}': " if error.field else "")
        errors.setdefault(name, []).append(where + error.reason)
    with Session(record.engine) as session:
        ids = _ids_by_sha(session, {sha for group in shas.values() for sha in group})
    new = set(report.added)
    outcome = {}
    for name in set(shas) | set(errors):
        found = sorted({ids[sha] for sha in shas.get(name, []) if sha in ids})
        outcome[name] = (len(shas.get(name, [])) - refused[name], errors.get(name, []), found, sum(1 for i in found if i in new))
    todo = sorted(set(ids.values()) | set(also))
    if preannotate and todo:
        _preannotate(record, todo)
        index_links(record, todo)
    return outcome


def _ids_by_sha(session: Session, shas: set[str]) -> dict[str, int]:
    """The newest stored document holding each text."""
    found: dict[str, int] = {}
    ordered = sorted(shas)
    for start in range(0, len(ordered), 500):
        rows = session.execute(select(Document.sha256, Document.id).where(Document.sha256.in_(ordered[start : start + 500])))
        for sha, doc_id in rows:
            found[sha] = max(doc_id, found.get(sha, 0))
    return found


def _preannotate(record: Record, document_ids: list[int]) -> None:
    """The rules annotator, with what it learned from reviewers; documents it has done are skipped."""
    from annotate.preannotate.learning import learned_rules_annotator
    from annotate.preannotate.store import preannotate

    with record.session() as session:
        annotator = learned_rules_annotator(session)
    preannotate(record.ledger, annotator, document_ids)


def warm_up(record: Record) -> None:
    """Load the annotator's models and the sentence encoder now, not in the first job."""
    from annotate.preannotate.learning import learned_rules_annotator
    from annotate.preannotate.processes import load_models

    with record.session() as session:
        load_models(learned_rules_annotator(session))


def preannotate_all(record: Record, job_id: int) -> None:
    """Propose candidates for every stored document the current annotator has not done, and index
    the new claims for linking (as an ingest part indexes its own)."""
    from annotate.preannotate.learning import learned_rules_annotator
    from annotate.preannotate.store import preannotate

    with record.session() as session:
        annotator = learned_rules_annotator(session)

    def work(tick) -> None:
        preannotate(record.ledger, annotator, None, on_document=lambda _id: tick())
        index_links(record)
        statistics.refresh(record.engine)

    _run(record, job_id, work)


def index_links(record: Record, document_ids: list[int] | None = None) -> int:
    """Sentence vectors for the claims that have none (of these documents only, when given), so new
    claims can be linked. An ingest part indexes its own documents: two workers never wait on one
    indexing job (a shared one made indexing serial)."""
    from annotate.linking.index import index_documents, index_missing

    with record.session() as session:
        return index_missing(session) if document_ids is None else index_documents(session, document_ids)


def _run(record: Record, job_id: int, work) -> None:
    """A job without files: its steps counted as they are done, its error kept."""
    steps = Counter()

    def tick() -> None:
        steps["done"] += 1
        if steps["done"] % 20 == 0:
            with state_session(record.engine) as session:
                session.execute(update(Job).where(Job.id == job_id).values(done=steps["done"]))
                session.commit()

    try:
        work(tick)
        values = {"done": steps["done"], "total": steps["done"], "finished_at": utc_now(), "error": ""}
    except Exception as problem:
        values = {"done": steps["done"], "error": f"{type(problem).__name__}: {problem}", "finished_at": utc_now()}
        raise
    finally:
        with state_session(record.engine) as session:
            session.execute(update(Job).where(Job.id == job_id).values(**values))
            session.commit()


def _set(session: Session, file_ids: list[int], only: tuple[str, ...] = TO_DO, **values) -> None:
    session.execute(update(JobFile).where(JobFile.id.in_(file_ids), JobFile.status.in_(only)).values(**values))
    session.commit()


def run_kind(record: Record, job_id: int, kind: str) -> None:
    """A job without files, by kind."""
    started = time.perf_counter()
    if kind == "preannotate":
        preannotate_all(record, job_id)
    elif kind == "export":
        from annotate.jobs.exporting import run_export

        run_export(record, job_id)
    elif kind == "index_links":
        _run(record, job_id, lambda tick: [tick() for _ in range(index_links(record))])
    else:
        raise ValueError(f"no job kind {kind!r}")
    log.info("job %s (%s): finished in %.1f s", job_id, kind, time.perf_counter() - started)
