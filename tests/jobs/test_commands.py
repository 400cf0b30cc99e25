"""`claimtrail ingest --background`, `claimtrail jobs …` and `claimtrail worker` at the command line."""

import json
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from annotate.cli import app
from tests.jobs.test_tasks import TEXTS

ROOT = Path(__file__).resolve().parents[2]


def invoke(record, *args: str):
    return CliRunner().invoke(app, [*args, "--db", record.settings.database_url], env={"CLAIMTRAIL_HOME": str(record.settings.home)})


def wait_done(record, job: str) -> str:
    for _ in range(600):
        shown = invoke(record, "jobs", "show", job)
        if shown.stdout.split()[2] in ("done", "failed"):
            return shown.stdout
        time.sleep(0.2)
    raise AssertionError(shown.stdout)


def test_ingest_in_the_background_then_list_show_and_retry(record, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "rail.txt").write_text(TEXTS[0], encoding="utf-8")
    (tmp_path / "in" / "notes.odt").write_bytes(b"x")
    (tmp_path / "in" / "feed.jsonl").write_text(json.dumps({"text": TEXTS[1]}) + "\n[1, 2]\n", encoding="utf-8")
    queued = invoke(record, "ingest", "--background", str(tmp_path / "in"), str(tmp_path / "in" / "notes.odt"))
    assert queued.exit_code == 0, queued.output
    job = queued.stdout.split()[1]
    if record.engine.dialect.name != "sqlite":  # PostgreSQL: a worker runs it (here until the queue is empty)
        from tests.jobs.drain import drain

        drain(record)
    shown = wait_done(record, job)  # SQLite: a detached `claimtrail jobs run` did it
    assert "done      rail.txt: 1 documents (1 new)" in shown
    assert "refused   notes.odt: 0 documents" in shown and "unsupported file type '.odt'" in shown
    listed = invoke(record, "jobs")
    assert "done      feed.jsonl: 1 documents (1 new)" in shown and "line 2: " in shown
    assert f"{job:>5} ingest       done" in listed.stdout and "1 failed, 1 with records refused" in listed.stdout
    nothing = invoke(record, "jobs", "retry", job)
    assert nothing.exit_code != 0 and "nothing left to do" in nothing.output


def test_a_file_over_its_limit_is_refused_when_queued_and_a_jsonl_file_is_not_held_to_a_document_limit(record, tmp_path, monkeypatch):
    from annotate.ingest import limits

    monkeypatch.setattr(limits, "MAX_BYTES", 2000)
    (tmp_path / "long.txt").write_text(TEXTS[0] * 20, encoding="utf-8")
    lines = "".join(json.dumps({"title": f"Rail update {n}", "text": f"{TEXTS[0]} (update {n})"}) + "\n" for n in range(12))
    (tmp_path / "rail.jsonl").write_text(lines, encoding="utf-8")
    assert len(lines.encode()) > 2000
    queued = invoke(record, "ingest", "--background", str(tmp_path / "long.txt"), str(tmp_path / "rail.jsonl"))
    assert queued.exit_code == 0, queued.output
    if record.engine.dialect.name != "sqlite":
        from tests.jobs.drain import drain

        drain(record)
    shown = wait_done(record, queued.stdout.split()[1])
    assert "refused   long.txt: 0 documents" in shown and "a file's limit" in shown
    assert "done      rail.jsonl: 12 documents (12 new)" in shown


def test_preannotate_and_links_index_in_the_background(record, tmp_path):
    """Re-annotation after learning and link indexing run as jobs too (a worker's, on PostgreSQL)."""
    from sqlalchemy import func, select, text

    from annotate.store.models import Claim

    for n, body in enumerate(TEXTS):
        (tmp_path / f"r{n}.txt").write_text(body, encoding="utf-8")
    assert invoke(record, "ingest", "--no-preannotate", str(tmp_path)).exit_code == 0
    refused = invoke(record, "preannotate", "--background", "--document", "1")
    assert refused.exit_code == 2 and "drop --annotator and --document" in refused.output
    queued = invoke(record, "preannotate", "--background")
    assert queued.exit_code == 0 and queued.stdout.startswith("job "), queued.output
    if record.engine.dialect.name != "sqlite":
        from tests.jobs.drain import drain

        drain(record)
    shown = wait_done(record, queued.stdout.split()[1])
    assert "done" in shown.split()[2]
    with record.session() as session:
        claims = session.execute(select(func.count()).select_from(Claim)).scalar()
        indexed = session.execute(text("SELECT count(*) FROM claim_vector")).scalar()
    assert claims > 0 and indexed == claims  # candidates for both reports, each claim ready to be linked
    with record.engine.begin() as conn:
        conn.execute(text("DELETE FROM claim_vector"))
    queued = invoke(record, "links", "index", "--background")
    assert queued.exit_code == 0, queued.output
    if record.engine.dialect.name != "sqlite":
        drain(record)
    wait_done(record, queued.stdout.split()[1])
    with record.session() as session:
        assert session.execute(text("SELECT count(*) FROM claim_vector")).scalar() == claims


def test_cancel_stops_a_job_before_it_reads_its_files(record):
    from annotate.jobs.backend import Queue
    from annotate.jobs.intake import intake

    job = Queue(record).ingest("cli", "cli", intake([("rail.txt", TEXTS[0].encode())]))  # queued, nobody runs it yet
    assert invoke(record, "jobs", "cancel", str(job)).exit_code == 0
    invoke(record, "jobs", "run", str(job))
    assert invoke(record, "jobs", "show", str(job)).stdout.split()[2] == "cancelled"
    assert invoke(record, "documents").stdout.strip() == ""


def test_a_worker_needs_postgresql(record):
    if record.engine.dialect.name != "sqlite":
        return
    result = invoke(record, "worker")
    assert result.exit_code != 0 and "workers need PostgreSQL" in result.output


def test_the_sqlite_path_imports_neither_procrastinate_nor_psycopg(tmp_path):
    probe = (
        "import sys; from annotate.config import Settings; from annotate.store.record import Record; "
        "from annotate.jobs.queue import queue_for; from annotate.jobs.intake import intake; "
        f"r = Record.init(Settings(home=__import__('pathlib').Path({str(tmp_path)!r}))); q = queue_for(r); "
        "q.ingest('t', 'ui', intake([('a.txt', b'Some words here.')])); q.close(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('procrastinate', 'psycopg')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
