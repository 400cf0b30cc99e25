"""Issue 12: a Label Studio export given to `claimtrail ingest` or uploaded brings its
predictions in the same one pass as `labelstudio import --add-documents`: the documents,
and the predicted spans as candidates by their model (not kept as document metadata). An
export that does not fit is refused whole, named; other files still go in."""

import json

from sqlalchemy import select
from sqlmodel import Session
from typer.testing import CliRunner

from annotate.cli import app
from annotate.jobs import state, tasks
from annotate.jobs.intake import intake
from annotate.jobs.models import JobFile
from annotate.store.models import Claim, Document, Mention
from annotate.store.verify import verify
from tests.labelstudio.test_ls_add_documents import TEXT, task


def stored(record) -> tuple[list, list]:
    with record.session() as s:
        docs = s.execute(select(Document).order_by(Document.id)).scalars().all()
        spans = s.execute(select(Mention.document_id, Mention.text, Mention.annotator)).all()
        spans += s.execute(select(Claim.document_id, Claim.quote, Claim.annotator)).all()
    return docs, sorted(spans)


def test_an_uploaded_export_brings_its_predictions_as_candidates(record):
    export = json.dumps([task(1), task(2, TEXT.replace("3 March", "4 March"))]).encode()
    with Session(record.engine) as session:
        job, parts = state.create_ingest_job(
            session, "lea", "ui", intake([("export.json", export), ("note.txt", b"Kyiv, 5 March. A plain note.\n")]), preannotate=False
        )
        session.commit()
        job_id = job.id
    tasks.ingest_part(record, job_id, parts[0])
    docs, spans = stored(record)
    assert len(docs) == 3 and docs[0].path == f"upload/{job_id}/export.json" and docs[0].meta["labelstudio"] == {"id": 101}
    assert {(d, who) for d, _, who in spans} == {(docs[0].id, "ner@1"), (docs[1].id, "ner@1")}  # preannotate was off
    with Session(record.engine) as session:
        files = {f.name: f for f in session.execute(select(JobFile).where(JobFile.job_id == job_id)).scalars()}
    assert (files["export.json"].documents, files["export.json"].added, json.loads(files["export.json"].document_ids)) == (2, 2, [docs[0].id, docs[1].id])
    assert files["note.txt"].added == 1 and verify(record.engine).ok


def test_ingest_takes_an_export_in_one_pass_and_refuses_one_that_does_not_fit(record, tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps([task(1)]), encoding="utf-8")
    broken = task(2)
    broken["predictions"][0]["result"][0]["value"]["labels"] = ["NOPE"]
    bad.write_text(json.dumps([broken]), encoding="utf-8")
    db = ["--db", record.settings.resolved_database_url]
    result = CliRunner().invoke(app, ["ingest", "--no-preannotate", str(tmp_path), *db])
    assert result.exit_code == 1, result.output
    assert "bad.json" in result.output and "NOPE" in result.output
    docs, spans = stored(record)
    assert len(docs) == 1 and len(spans) == 3 and {who for *_, who in spans} == {"ner@1"}
    again = CliRunner().invoke(app, ["ingest", "--no-preannotate", str(good), *db])
    assert again.exit_code == 0 and "0 added" in again.output and stored(record)[1] == spans
