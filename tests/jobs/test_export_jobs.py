"""`claimtrail export --background`: a job writes the file the command names, with its
manifest, and `claimtrail jobs show` says where (SQLite: a detached process; PostgreSQL: a worker)."""

import json

from tests.factories import seed
from tests.jobs.test_commands import invoke, wait_done


def test_export_in_the_background_writes_the_file_and_its_manifest(record, tmp_path):
    seed(record)
    out = tmp_path / "claims.jsonl"
    queued = invoke(record, "export", "-f", "jsonl", "-o", str(out), "--background")
    assert queued.exit_code == 0, queued.output
    job = queued.stdout.split()[1]
    if record.engine.dialect.name != "sqlite":
        from tests.jobs.drain import drain

        drain(record)
    shown = wait_done(record, job)
    assert f"{job:>5} export       done" in shown and f"written: {out}" in shown
    manifest = json.loads(out.with_name("claims.jsonl.manifest.json").read_text())
    assert manifest["counts"]["claims"] == 3 and len(out.read_text().splitlines()) == 3
    verified = invoke(record, "export", "verify", str(out.with_name("claims.jsonl.manifest.json")))
    assert verified.exit_code == 0 and "matches the ledger" in verified.output


def test_an_unknown_format_is_refused_before_anything_is_queued(record, tmp_path):
    refused = invoke(record, "export", "-f", "xlsx", "-o", str(tmp_path / "x"), "--background")
    assert refused.exit_code != 0 and "unknown format" in refused.output
    assert invoke(record, "jobs").stdout.strip() == "no jobs yet"


def test_an_export_job_reports_its_progress_as_it_writes(record, monkeypatch):
    from sqlmodel import Session

    from annotate.jobs import exporting, state
    from annotate.jobs.backend import Queue
    from exports import parts
    from exports.claims import Filters

    seed(record)
    seen = []
    monkeypatch.setattr(parts, "PROGRESS_EVERY", 1)
    real = exporting._tick
    monkeypatch.setattr(exporting, "_tick", lambda rec, job, claims: (seen.append(claims), real(rec, job, claims)))
    job = Queue(record).export("lea", "ui", exporting.export_params("csv", Filters(), None, {}))  # queued: run it here
    with Session(record.engine) as session:
        assert state.job_view(session, job)["status"] == "queued"
    exporting.run_export(record, job)
    with Session(record.engine) as session:
        view = state.job_view(session, job)
    assert seen == [1, 2, 3] and view["status"] == "done" and view["finished"] == view["total"] == 3 and view["result"] == "export.zip"
