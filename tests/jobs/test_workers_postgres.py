"""Two real `claimtrail worker` processes on PostgreSQL share a batch; one is killed with SIGKILL
in the middle of a part. The other finishes: no document lost, none doubled, no candidate
proposed twice, and `claimtrail audit verify` is green."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from annotate.config import Settings
from annotate.jobs.intake import intake
from annotate.jobs.queue import queue_for
from annotate.jobs.state import job_view
from annotate.store.checkpoints import create_key
from annotate.store.db import make_engine
from annotate.store.models import Claim, Document, Mention
from annotate.store.record import Record
from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


def report(i: int) -> str:
    """A short report of our own, different for every i."""
    return (
        f"Ferry service resumes on route {i}\n\n"
        f"The transport ministry said on Monday that ferry route {i} would carry passengers again from {i % 28 + 1} May. "
        f"A union representative said that {i * 3 + 7} crew members had not been paid since the winter. "
        f"Port officials reported that {i + 2} vessels were waiting for inspection.\n"
    )


@pytest.fixture
def pg_record(request, tmp_path):
    if not POSTGRES_URL:
        pytest.skip("CLAIMTRAIL_TEST_POSTGRES_URL is not set")
    url = request.getfixturevalue("postgres_schema_url")
    engine = make_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'alembic_version'")).scalars().all()
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)))
    engine.dispose()
    settings = Settings(home=tmp_path, database_url=url)
    create_key(settings.resolved_key_file)
    record = Record.open(settings)
    yield record
    record.engine.dispose()


def start_worker(record: Record, log: Path) -> subprocess.Popen:
    env = {**os.environ, "CLAIMTRAIL_HOME": str(record.settings.home)}
    command = [sys.executable, "-m", "annotate", "worker", "--stalled-after", "4", "--db", record.settings.database_url]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def doing(record: Record) -> int:
    with record.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing' AND task_name = 'claimtrail.ingest_part'")).scalar()


def test_two_workers_one_killed_mid_batch_lose_and_double_nothing(pg_record, tmp_path):
    count = 150
    files = intake([(f"ferry-{i:03}.txt", report(i).encode()) for i in range(count)])
    job_id = queue_for(pg_record).ingest("cli", "cli", files)
    workers = [start_worker(pg_record, tmp_path / f"worker-{n}.log") for n in range(2)]
    try:
        deadline = time.monotonic() + 120
        while doing(pg_record) < 2:  # both busy: whichever is killed dies in the middle of a part
            assert time.monotonic() < deadline, (tmp_path / "worker-0.log").read_text()[-3000:]
            assert all(w.poll() is None for w in workers), (tmp_path / "worker-0.log").read_text()[-3000:]
            time.sleep(0.05)
        time.sleep(0.5)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=10)

        deadline = time.monotonic() + 240
        while True:
            with pg_record.session() as session:
                view = job_view(session, job_id)
            if view["status"] in ("done", "failed"):
                break
            assert time.monotonic() < deadline, f"job stuck at {view['finished']}/{view['total']}: " + (tmp_path / "worker-1.log").read_text()[-3000:]
            time.sleep(0.5)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=60)

    assert view["status"] == "done", view
    assert view["documents"] == count and view["failed"] == 0
    with pg_record.session() as session:
        shas = session.execute(select(Document.sha256)).scalars().all()
        twice = session.execute(
            select(func.count()).select_from(
                select(Claim.document_id, Claim.start, Claim.end).group_by(Claim.document_id, Claim.start, Claim.end).having(func.count() > 1).subquery()
            )
        ).scalar()
        mentions_twice = session.execute(
            select(func.count()).select_from(
                select(Mention.document_id, Mention.start, Mention.end)
                .group_by(Mention.document_id, Mention.start, Mention.end)
                .having(func.count() > 1)
                .subquery()
            )
        ).scalar()
        without = session.execute(select(func.count()).select_from(Document).where(~Document.id.in_(select(Claim.document_id)))).scalar()
        unindexed = session.execute(text("SELECT count(*) FROM claim c WHERE NOT EXISTS (SELECT 1 FROM claim_vector v WHERE v.claim_id = c.id)")).scalar()
    assert len(shas) == count and len(set(shas)) == count  # none lost, none doubled
    assert twice == 0 and mentions_twice == 0  # no candidate proposed twice
    assert without == 0  # every document was pre-annotated, the killed worker's too
    assert unindexed == 0  # and every claim has its sentence vector, written by the part that proposed it
    env = {**os.environ, "CLAIMTRAIL_HOME": str(pg_record.settings.home)}
    audit = subprocess.run(
        [sys.executable, "-m", "annotate", "audit", "verify", "--db", pg_record.settings.database_url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_a_job_deferred_with_a_ledger_write_exists_only_if_the_write_commits(pg_record):
    from annotate.jobs.pgqueue import defer
    from annotate.store.ledger import Change

    def queued() -> int:
        with pg_record.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'claimtrail.run_kind'")).scalar()

    with pytest.raises(RuntimeError):
        with pg_record.ledger.writer("tester", "cli") as writer:
            writer.apply(Change("publisher.added", "publisher", set={"name": "Harbour Gazette"}))
            defer(writer.session, pg_record, "claimtrail.run_kind", job_id=1, kind="preannotate")
            raise RuntimeError("the write fails after the job was deferred")
    assert queued() == 0
    with pg_record.ledger.writer("tester", "cli") as writer:
        writer.apply(Change("publisher.added", "publisher", set={"name": "Harbour Gazette"}))
        defer(writer.session, pg_record, "claimtrail.run_kind", job_id=1, kind="preannotate")
    assert queued() == 1
