"""Our config and tasks pass the Label Studio SDK's own validation (../shared/validators),
and what that validation rejects, our importer refuses too. Through the export registry
the same tasks come out as from `write_tasks`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from annotate.cli import app
from annotate.labelstudio.config import build_config
from annotate.labelstudio.importer import Refused, import_tasks
from annotate.labelstudio.tasks import write_tasks
from annotate.store.models import Decision
from exports.claims import Filters
from exports.manifest import export
from tests.labelstudio.lsfixtures import FakeLabelStudio, region

VALIDATOR = Path(__file__).resolve().parents[3] / "shared" / "validators" / "validate_labelstudio.py"


def validate(tmp_path: Path, tasks: list[dict]) -> subprocess.CompletedProcess:
    if not VALIDATOR.exists():
        pytest.skip("../shared/validators is not here")
    pytest.importorskip("label_studio_sdk")
    (tmp_path / "config.xml").write_text(build_config(), encoding="utf-8")
    (tmp_path / "tasks.json").write_text(json.dumps(tasks), encoding="utf-8")
    command = [sys.executable, str(VALIDATOR), "--check-spans", str(tmp_path / "config.xml"), str(tmp_path / "tasks.json")]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def our_tasks(seeded, tmp_path) -> list[dict]:
    write_tasks(seeded.record, tmp_path / "out.json")
    return json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))


def test_exported_tasks_pass_the_sdk_validation(seeded, tmp_path):
    result = validate(tmp_path, our_tasks(seeded, tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 task(s) checked (2 predictions, 0 annotations), 2 passed" in result.stdout


def test_annotated_snapshot_passes_the_sdk_validation(seeded, tmp_path):
    ls = FakeLabelStudio(our_tasks(seeded, tmp_path))
    ls.annotate(seeded.docs[0], user=7, edit=lambda r: r.pop(0), ann_id=21)
    result = validate(tmp_path, ls.snapshot({7: "ana@example.com"}))
    assert result.returncode == 0, result.stdout + result.stderr


def test_what_the_sdk_rejects_the_importer_refuses(seeded, tmp_path):
    ls = FakeLabelStudio(our_tasks(seeded, tmp_path))
    region(ls.tasks[0]["predictions"][0]["result"], f"c{seeded.claims['tanks']}")["value"]["labels"] = ["FOO"]
    tasks = ls.snapshot({})
    result = validate(tmp_path, tasks)
    assert result.returncode == 1 and "FAIL task[0] id=1000" in result.stdout
    with pytest.raises(Refused, match=f"task 1000, prediction 101 \\(rules@0.1.0\\), result c{seeded.claims['tanks']}: label 'FOO'"):
        import_tasks(seeded.record, tasks)


def test_relations_the_sdk_takes_whatever_they_join_the_importer_checks(seeded, tmp_path):
    """The SDK checks that a relation's ends exist, not that its label fits them."""
    tanks, withdrawn, person = (f"c{seeded.claims['tanks']}", f"c{seeded.claims['withdrawn']}", f"m{seeded.mentions['Olena Hrytsenko']}")
    ls = FakeLabelStudio(our_tasks(seeded, tmp_path))
    relation = {"from_id": tanks, "to_id": withdrawn, "type": "relation", "direction": "right", "labels": ["claimant"]}
    ls.annotate(seeded.docs[0], user=7, edit=lambda r: r.append(relation), ann_id=22)
    tasks = ls.snapshot({7: "ana@example.com"})
    assert validate(tmp_path, tasks).returncode == 0
    with pytest.raises(Refused, match=f"relation {tanks}→{withdrawn}: 'claimant' goes from a claim span to an entity span"):
        import_tasks(seeded.record, tasks)
    relation.update(from_id=person, to_id=tanks, direction="left")  # the right ends, drawn the other way
    tasks = ls.snapshot({7: "ana@example.com"})
    assert validate(tmp_path, tasks).returncode == 0
    assert not import_tasks(seeded.record, tasks).decisions.get("claim.corrected")  # Olena Hrytsenko is its claimant already


def test_the_export_registry_writes_the_same_tasks_at_the_cut(seeded, tmp_path):
    with seeded.record.session() as session:
        manifest = export(session, "labelstudio", tmp_path / "cut.json", Filters(status=("candidate",)))
    assert manifest["counts"] == {"claims": 3, "records": 2}
    assert json.loads((tmp_path / "cut.json").read_text(encoding="utf-8")) == our_tasks(seeded, tmp_path)


def test_cli_config_tasks_and_import(seeded, tmp_path):
    runner, db = CliRunner(), ["--db", seeded.record.settings.resolved_database_url]
    result = runner.invoke(app, ["labelstudio", "config", "-o", str(tmp_path / "config.xml")])
    assert result.exit_code == 0 and (tmp_path / "config.xml").read_text().startswith("<View><Text")
    result = runner.invoke(app, ["labelstudio", "tasks", "-o", str(tmp_path / "tasks.json"), *db])
    assert result.exit_code == 0 and "2 tasks written" in result.output
    ls = FakeLabelStudio(json.loads((tmp_path / "tasks.json").read_text()))
    ls.annotate(seeded.docs[1], user=7, edit=lambda r: None, ann_id=30)
    (tmp_path / "export.json").write_text(json.dumps(ls.json_export()))
    result = runner.invoke(app, ["labelstudio", "import", str(tmp_path / "export.json"), "--user", "7=ana@example.com", *db])
    assert result.exit_code == 0, result.output
    assert "1 annotations" in result.output and "1 claim.accepted, 1 mention.accepted" in result.output
    region(ls.tasks[1]["annotations"][0]["result"], f"m{seeded.mentions['Kyiv']}")["from_name"] = "nope"
    ls.tasks[1]["annotations"][0]["updated_at"] = "2026-11-23T00:00:00Z"
    (tmp_path / "export.json").write_text(json.dumps(ls.json_export()))
    result = runner.invoke(app, ["labelstudio", "import", str(tmp_path / "export.json"), *db])
    assert result.exit_code == 1 and "task 1001, annotation 30, result m" in result.output and "from_name 'nope'" in result.output


def test_a_broken_export_file_is_named_with_its_line_and_nothing_is_written(seeded, tmp_path):
    runner, db = CliRunner(), ["--db", seeded.record.settings.resolved_database_url]
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text('{"id": 1, "data": {}}\n{"id": 2, "data": \n')
    before = _head(seeded.record)
    result = runner.invoke(app, ["labelstudio", "import", str(tasks), *db])
    assert result.exit_code == 1 and f"{tasks}: line 2 is not JSON" in " ".join(result.output.split())
    assert _head(seeded.record) == before


def _head(record) -> int:
    with record.session() as session:
        return session.execute(select(func.max(Decision.seq))).scalar()


def test_push_without_the_sdk_says_which_extra_to_install(seeded, monkeypatch):
    monkeypatch.setitem(sys.modules, "label_studio_sdk", None)  # import fails as if not installed
    db = ["--db", seeded.record.settings.resolved_database_url]
    result = CliRunner().invoke(app, ["labelstudio", "push", "--url", "http://127.0.0.1:9", "--token", "x", *db])
    assert result.exit_code == 2 and "pip install 'claimtrail[labelstudio]'" in result.output
