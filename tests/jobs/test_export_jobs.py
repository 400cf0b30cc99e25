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
