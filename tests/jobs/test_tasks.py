"""The job functions are safe to run again: after a crash between a part's ingestion and its
pre-annotation, after a redelivery, or beside another worker doing the same documents."""

import json
import os
import sys
import threading

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from annotate.jobs import priority, state, tasks
from annotate.jobs.intake import intake
from annotate.jobs.models import JobFile
from annotate.preannotate.rules import RulesAnnotator
from annotate.preannotate.store import preannotate
from annotate.store.models import Claim, Document, Mention

TEXTS = [
    "Rail link to the coast reopens\n\nThe rail operator said on Sunday that trains to the coast would run again from June. "
    "Residents reported that the old station had been closed for two years.\n",
    "Water prices rise in the valley\n\nThe utility company announced that water prices would rise by 12 percent next year. "
    "A consumer group said the increase was not justified.\n",
]


def new_job(record, files):
    with Session(record.engine) as session:
        job, parts = state.create_ingest_job(session, "tester", "ui", intake(files))
        session.commit()
        return job.id, parts


def counts(record) -> tuple[int, int, int]:
    with Session(record.engine) as session:
        docs = session.execute(select(func.count()).select_from(Document)).scalar()
        claims = session.execute(select(func.count()).select_from(Claim)).scalar()
        distinct = session.execute(select(func.count()).select_from(select(Claim.document_id, Claim.start, Claim.end).distinct().subquery())).scalar()
    return docs, claims, distinct


def test_a_big_upload_starts_with_a_small_part_so_its_first_documents_come_at_once(record):
    files = [(f"r{i}.txt", f"Report {i}\n\nThe council said on Monday that {i} homes had power again.\n".encode()) for i in range(300)]
    _, parts = new_job(record, files)
    assert [len(p) for p in parts] == [10, 25, 50, 100, 100, 15]  # then bigger parts: less to wait on per part
    ids = [i for part in parts for i in part]
    assert ids == sorted(ids) and len(set(ids)) == 300  # every file once, in upload order
    big = [(f"big{i}.txt", b"x" * (1024 * 1024)) for i in range(9)]
    _, parts = new_job(record, big)
    assert [len(p) for p in parts] == [4, 4, 1]  # and never more than PART_BYTES in one part


def test_a_part_that_died_after_ingesting_is_finished_by_the_next_run_without_doubles(record, monkeypatch):
    job_id, parts = new_job(record, [(f"r{i}.txt", t.encode()) for i, t in enumerate(TEXTS)])
    real = tasks._preannotate
    monkeypatch.setattr(tasks, "_preannotate", lambda *a: (_ for _ in ()).throw(RuntimeError("worker lost")))
    with pytest.raises(RuntimeError):
        tasks.ingest_part(record, job_id, parts[0])
    assert counts(record)[:2] == (2, 0)  # the documents are in (their batch committed), no candidates yet
    with Session(record.engine) as session:
        assert state.job_view(session, job_id)["status"] == "failed"
        again = state.retry_parts(session, job_id)
        session.commit()
    monkeypatch.setattr(tasks, "_preannotate", real)
    tasks.ingest_part(record, job_id, again[0])
    tasks.ingest_part(record, job_id, again[0])  # delivered twice: the second run finds nothing to do
    docs, claims, distinct = counts(record)
    assert docs == 2 and claims > 0 and claims == distinct
    with Session(record.engine) as session:
        view = state.job_view(session, job_id)
        vectors = session.execute(text("SELECT count(*) FROM claim_vector")).scalar()
    assert view["status"] == "done" and view["documents"] == 2
    assert vectors == claims  # the part indexed the claims it wrote: they can be linked at once


def test_a_label_studio_export_whose_part_died_before_pre_annotation_is_pre_annotated_by_the_next_run(record, monkeypatch):
    """The export's documents and predictions were committed; the run died before our own
    candidates: the next run imports nothing again, and still proposes ours and indexes them."""
    from tests.labelstudio.test_ls_add_documents import TEXT, task

    export = json.dumps([task(1, TEXTS[0] + TEXT), task(2, TEXTS[1] + TEXT)]).encode()
    job_id, parts = new_job(record, [("export.json", export)])
    real = tasks._preannotate
    monkeypatch.setattr(tasks, "_preannotate", lambda *a: (_ for _ in ()).throw(RuntimeError("worker lost")))
    with pytest.raises(RuntimeError):
        tasks.ingest_part(record, job_id, parts[0])
    with Session(record.engine) as session:
        predicted = session.execute(select(func.count()).select_from(Claim).where(Claim.annotator == "ner@1")).scalar()
        again = state.retry_parts(session, job_id)
        session.commit()
    assert counts(record)[:2] == (2, 2) and predicted == 2  # the import is in; none of our candidates yet
    monkeypatch.setattr(tasks, "_preannotate", real)
    tasks.ingest_part(record, job_id, again[0])
    with Session(record.engine) as session:
        ours = session.execute(select(Claim.document_id).where(Claim.annotator != "ner@1").distinct()).scalars().all()
        claims = session.execute(select(func.count()).select_from(Claim)).scalar()
        vectors = session.execute(text("SELECT count(*) FROM claim_vector")).scalar()
        view = state.job_view(session, job_id)
        spans = session.execute(select(Mention.document_id, Mention.start, Mention.end, Mention.label)).all()
    assert view["status"] == "done" and len(ours) == 2  # both documents got our candidates after all
    assert len(spans) == len(set(spans))  # where ours found what the model predicted, one candidate to decide
    assert claims == counts(record)[2] and vectors == claims  # nothing doubled, every claim indexed


def test_a_polled_status_says_what_the_full_view_says_without_the_files(record):
    job_id, parts = new_job(record, [("good.txt", TEXTS[0].encode()), ("bad.jsonl", b"{broken\n"), ("empty.txt", b"")])
    with Session(record.engine) as session:
        before = state.job_view(session, job_id)
        assert state.job_status(session, job_id) == {k: v for k, v in before.items() if k not in ("files", "path", "more")}
    for part in parts:
        tasks.ingest_part(record, job_id, part)
    with Session(record.engine) as session:
        after = state.job_view(session, job_id)
        status = state.job_status(session, job_id)
    assert status == {k: v for k, v in after.items() if k not in ("files", "path", "more")}
    assert status["status"] == "done" and status["documents"] == 1 and status["failed"] == 2
    with Session(record.engine) as session:
        shown = state.job_view(session, job_id, limit=1)  # a page's share: the rest counted, not listed
    assert {k: v for k, v in shown.items() if k not in ("files", "more")} == {k: v for k, v in after.items() if k not in ("files", "more")}
    assert [f["status"] for f in shown["files"]] == ["refused"] and shown["more"] == 2


def test_each_bad_record_is_named_with_its_line_and_the_good_ones_go_in(record):
    lines = [json.dumps({"text": TEXTS[0], "title": "Rail"}), "{not json", json.dumps({"title": "no text"}), json.dumps({"text": TEXTS[1]})]
    job_id, parts = new_job(record, [("feed.jsonl", "\n".join(lines).encode())])
    tasks.ingest_part(record, job_id, parts[0])
    with Session(record.engine) as session:
        [file] = state.job_view(session, job_id)["files"]
    assert file["status"] == "done" and file["documents"] == 2 and file["added"] == 2
    assert [e.split(":")[0] for e in file["errors"]] == ["line 2", "line 3"]


def test_each_part_a_worker_finishes_is_a_line_of_its_log(record, caplog):
    lines = [json.dumps({"text": TEXTS[0]}), "{not json"]
    job_id, parts = new_job(record, [("feed.jsonl", "\n".join(lines).encode()), ("water.txt", TEXTS[1].encode()), ("scan.txt", b"")])
    with caplog.at_level("INFO", logger="claimtrail.jobs"):
        tasks.ingest_part(record, job_id, parts[0])
    [line] = [r.getMessage() for r in caplog.records if r.name == "claimtrail.jobs"]
    assert line.startswith(f"job {job_id}: 3 file(s), 2 documents (2 new), 1 refused, 1 with records refused, in ")


def test_a_cancelled_job_reads_no_more_files(record):
    job_id, parts = new_job(record, [("r.txt", TEXTS[0].encode())])
    with Session(record.engine) as session:
        state.cancel(session, job_id)
        session.commit()
    tasks.ingest_part(record, job_id, parts[0])
    with Session(record.engine) as session:
        view = state.job_view(session, job_id)
        stored = session.execute(select(JobFile.status)).scalars().all()
    assert counts(record)[0] == 0 and view["status"] == "cancelled" and stored == ["cancelled"]


def test_two_runs_annotating_the_same_documents_at_once_propose_each_candidate_once(record):
    job_id, parts = new_job(record, [(f"r{i}.txt", t.encode()) for i, t in enumerate(TEXTS)])
    with Session(record.engine) as session:
        job = state.get_job(session, job_id)
        job.preannotate = False
        session.commit()
    tasks.ingest_part(record, job_id, parts[0])
    annotator = RulesAnnotator()
    runs = [threading.Thread(target=preannotate, args=(record.ledger, annotator, None)) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    docs, claims, distinct = counts(record)
    with Session(record.engine) as session:
        mentions = session.execute(select(func.count()).select_from(Mention)).scalar()
        distinct_mentions = session.execute(
            select(func.count()).select_from(select(Mention.document_id, Mention.start, Mention.end).distinct().subquery())
        ).scalar()
    assert claims > 0 and claims == distinct and mentions == distinct_mentions


def test_a_job_without_files_counts_its_steps(record):
    from annotate.jobs.queue import InProcessQueue

    job_id, parts = new_job(record, [(f"r{i}.txt", t.encode()) for i, t in enumerate(TEXTS)])
    with Session(record.engine) as session:
        state.get_job(session, job_id).preannotate = False
        session.commit()
    tasks.ingest_part(record, job_id, parts[0])
    if record.engine.dialect.name != "sqlite":
        return  # on PostgreSQL `start` defers to the workers: covered with real workers
    queue = InProcessQueue(record)
    started = queue.start("preannotate", "lea", "ui")
    queue.close()  # waits for the thread
    with Session(record.engine) as session:
        view = state.job_view(session, started)
    assert view["status"] == "done" and view["finished"] == 2 and view["kind"] == "preannotate"
    assert counts(record)[1] > 0


def test_a_job_proposing_candidates_for_many_documents_counts_them_without_waiting_on_its_own_writes(record):
    """Its progress is written every 20 documents; on SQLite a write while the batch held the
    write lock waited for itself, and the job failed as busy after 20 documents."""
    from annotate.jobs.queue import InProcessQueue

    if record.engine.dialect.name != "sqlite":
        return  # on PostgreSQL `start` defers to the workers: covered with real workers
    job_id, parts = new_job(record, [(f"r{i}.txt", f"{TEXTS[i % 2]}Update number {i}.\n".encode()) for i in range(45)])
    with Session(record.engine) as session:
        state.get_job(session, job_id).preannotate = False
        session.commit()
    for part in parts:
        tasks.ingest_part(record, job_id, part)
    queue = InProcessQueue(record)
    started = queue.start("preannotate", "lea", "ui")
    queue.close()
    with Session(record.engine) as session:
        view = state.job_view(session, started)
    assert (view["status"], view["error"], view["finished"]) == ("done", "", 45)


@pytest.mark.skipif(sys.platform != "linux", reason="thread priorities are Linux's")
def test_the_web_servers_job_thread_yields_the_cpu_to_page_requests(record):
    from annotate.jobs.queue import InProcessQueue

    def nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    queue = InProcessQueue(record)
    try:
        in_the_job_thread = queue.pool.submit(nice).result()
    finally:
        queue.close()
    assert nice() < priority.BACKGROUND and in_the_job_thread == priority.BACKGROUND


def test_a_job_that_reads_then_writes_its_state_is_not_refused_by_a_commit_in_between(record):
    # SQLite: a deferred transaction that read, then writes, failed at once ("database is locked",
    # no waiting) when a reviewer's decision was committed in between; the part was then left queued
    if record.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no such case")
    from annotate.store.db import state_session
    from annotate.store.ledger import Change

    job_id, _ = new_job(record, [("a.md", TEXTS[0].encode())])
    other: list[BaseException] = []

    def reviewer_writes() -> None:
        try:
            record.ledger.record("alice", "ui", Change("publisher.added", "publisher", set={"name": "Valley Courier"}))
        except BaseException as problem:
            other.append(problem)

    with state_session(record.engine) as session:
        files = session.execute(select(JobFile.id).where(JobFile.job_id == job_id)).scalars().all()  # the read
        writer = threading.Thread(target=reviewer_writes)
        writer.start()
        writer.join(0.5)  # it waits for the lock this session holds, rather than committing in between
        tasks._set(session, list(files), status="running")  # the write
    writer.join()
    assert other == []
    with Session(record.engine) as session:
        assert set(session.execute(select(JobFile.status).where(JobFile.job_id == job_id)).scalars()) == {"running"}
