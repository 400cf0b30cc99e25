"""`claimtrail export` and `claimtrail export verify` from the command line."""

import json

import pytest
from typer.testing import CliRunner

from annotate.cli import app
from annotate.store.ledger import Change

runner = CliRunner()


def run(sample, *args):
    return runner.invoke(app, [*args, "--db", sample.record.settings.resolved_database_url])


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "claimreview", "webannotation", "prov"])
def test_export_writes_the_file_and_its_manifest(sample, tmp_path, fmt):
    out = tmp_path / f"claims.{fmt}"
    result = run(sample, "export", "--format", fmt, "-o", str(out), "--status", "accepted", "--status", "corrected")
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / f"claims.{fmt}.manifest.json").read_text())
    assert manifest["filters"]["status"] == ["accepted", "corrected"] and manifest["ledger"]["seq"] == sample.head
    assert run(sample, "export", "verify", str(tmp_path / f"claims.{fmt}.manifest.json")).exit_code == 0


def test_filters_and_as_of_on_the_command_line(sample, tmp_path):
    out = tmp_path / "thread.jsonl"
    args = ["export", "-f", "jsonl", "-o", str(out), "--thread", str(sample.thread), "--verdict", "unassessed", "--as-of", str(sample.cut)]
    assert run(sample, *args).exit_code == 0
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [sample.claims["year"]]
    out = tmp_path / "delta.csv"
    assert run(sample, "export", "-f", "csv", "-o", str(out), "--publisher", "Delta Monitor").exit_code == 0
    assert len(out.read_text().splitlines()) == 1 + 3


def test_an_earlier_export_is_not_written_over_without_replace(sample, tmp_path):
    out = tmp_path / "claims.jsonl"
    assert run(sample, "export", "-f", "jsonl", "-o", str(out), "--as-of", str(sample.cut)).exit_code == 0
    earlier = out.read_text(), out.with_name("claims.jsonl.manifest.json").read_text()
    refused = run(sample, "export", "-f", "jsonl", "-o", str(out))
    assert refused.exit_code == 2 and f"{out} exists" in refused.output and "--replace" in refused.output
    assert (out.read_text(), out.with_name("claims.jsonl.manifest.json").read_text()) == earlier  # untouched
    assert run(sample, "export", "-f", "jsonl", "-o", str(out), "--replace").exit_code == 0
    assert json.loads(out.with_name("claims.jsonl.manifest.json").read_text())["ledger"]["seq"] == sample.head


def test_verify_exits_1_with_the_reason(sample, tmp_path):
    out = tmp_path / "claims.jsonl"
    run(sample, "export", "-f", "jsonl", "-o", str(out), "--as-of", str(sample.cut))
    sample.record.ledger.record("carol", "ui", Change("claim.rejected", "claim", sample.claims["closure"], {"status": "rejected"}))
    result = run(sample, "export", "verify", str(out) + ".manifest.json")
    assert result.exit_code == 0 and "moved on" in result.output
    out.write_text(out.read_text() + "\n")
    result = run(sample, "export", "verify", str(out) + ".manifest.json")
    assert result.exit_code == 1 and "changed since the export" in result.output


def test_unknown_or_missing_format_is_a_clear_error(sample, tmp_path):
    result = run(sample, "export", "-f", "xlsx", "-o", str(tmp_path / "x"))
    assert result.exit_code == 2 and "unknown format 'xlsx'" in result.output
    assert run(sample, "export", "-f", "jsonl").exit_code == 2


def test_labelstudio_goes_through_the_registry_and_verifies(sample, tmp_path):
    pytest.importorskip("exports.labelstudio")
    out = tmp_path / "tasks.json"
    result = run(sample, "export", "-f", "labelstudio", "-o", str(out), "--as-of", str(sample.cut))
    assert result.exit_code == 0, result.output
    assert {task["data"]["text"][:10] for task in json.loads(out.read_text())}  # documents as tasks
    assert run(sample, "export", "verify", str(out) + ".manifest.json").exit_code == 0
