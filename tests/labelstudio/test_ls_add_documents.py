"""Issue 12: a Label Studio export of tasks the record has never seen goes in in one pass
(`labelstudio import --add-documents`): the documents, and their predictions as candidates.
Re-importing the same file adds nothing; a changed text is a new document with its own
candidates; a task that cannot be a document refuses the whole import, before anything is written."""

import json

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from annotate.cli import app
from annotate.labelstudio.importer import Refused, import_tasks
from annotate.labelstudio.regions import span
from annotate.store.models import Claim, Decision, Document, Mention
from annotate.store.verify import verify

TEXT = "Kyiv, 3 March. Olena Hrytsenko said the bridge at Irpin was repaired overnight. Residents crossed it at dawn."


def task(n: int, text: str = TEXT, model: str = "ner@1") -> dict:
    person, place, claim = (text.index(w) for w in ("Olena Hrytsenko", "Irpin", "the bridge"))
    result = [
        span(f"t{n}-p", "mention", person, person + 15, "Olena Hrytsenko", "PERSON", 0.9),
        span(f"t{n}-g", "mention", place, place + 5, "Irpin", "GPE", 0.8),
        span(f"t{n}-c", "claim", claim, text.index(" overnight"), text[claim : text.index(" overnight")], "CLAIM", 0.7),
    ]
    return {"id": 100 + n, "data": {"text": text, "title": f"Report {n}"}, "predictions": [{"model_version": model, "score": 0.8, "result": result}]}


def counts(record) -> tuple[int, int, int, int]:
    with record.session() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar() for m in (Document, Mention, Claim, Decision))


def test_one_pass_brings_documents_and_candidates_and_a_second_pass_adds_nothing(record):
    tasks = [task(1), task(2, TEXT.replace("3 March", "4 March"))]
    report = import_tasks(record, tasks, add_documents=True, path="tasks.json")
    assert report.documents == 2 and report.decisions == {"mention.proposed": 4, "claim.proposed": 2}
    with record.session() as s:
        docs = s.execute(select(Document).order_by(Document.id)).scalars().all()
        assert [d.title for d in docs] == ["Report 1", "Report 2"] and docs[0].file_name == "tasks.json#101"
        assert docs[0].meta["labelstudio"] == {"id": 101}  # the predictions are decisions, not kept again as metadata
        mentions = s.execute(select(Mention).order_by(Mention.id)).scalars().all()
        assert {(m.document_id, m.text, m.status, m.annotator) for m in mentions} == {
            (d.id, t, "candidate", "ner@1") for d in docs for t in ("Olena Hrytsenko", "Irpin")
        }
    before = counts(record)
    again = import_tasks(record, tasks, add_documents=True, path="tasks.json")
    assert again.documents == 0 and not again.decisions and counts(record) == before
    assert verify(record.engine).ok


def test_a_changed_text_is_a_new_document_and_another_model_adds_its_own_candidates(record):
    import_tasks(record, [task(1)], add_documents=True)
    changed = TEXT.replace("at dawn", "before noon")
    report = import_tasks(record, [task(1, changed), task(1, model="other@2")], add_documents=True)
    assert report.documents == 1  # the changed text; the same text by another model is the same document
    assert report.decisions == {"mention.proposed": 2, "claim.proposed": 1}  # the new document's; the other model's spans are ours already
    assert counts(record)[:3] == (2, 4, 2)


def test_a_task_that_cannot_be_a_document_refuses_the_import_before_anything_is_written(record):
    bad = {"id": 7, "data": {"text": "   "}}
    with pytest.raises(Refused) as refused:
        import_tasks(record, [task(1), bad], add_documents=True)
    assert refused.value.problems[-1].startswith("task 7")  # a blank text: it is not a document
    assert counts(record) == (0, 0, 0, 0)


def test_without_add_documents_an_unknown_text_is_still_refused(record):
    with pytest.raises(Refused, match="task 101: its text is not a document of this record"):
        import_tasks(record, [task(1)])


def test_the_cli_imports_documents_and_predictions_in_one_pass(record, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([task(1), task(2, TEXT + " More.")]), encoding="utf-8")
    db = ["--db", record.settings.resolved_database_url]
    result = CliRunner().invoke(app, ["labelstudio", "import", "--add-documents", str(path), *db])
    assert result.exit_code == 0, result.output
    assert "2 documents added; 2 tasks" in result.output and "4 mention.proposed" in result.output
    result = CliRunner().invoke(app, ["labelstudio", "import", "--add-documents", str(path), *db])
    assert result.exit_code == 0 and "no changes" in result.output and "documents added" not in result.output
