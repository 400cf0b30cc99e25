"""Ingestion into the record: dedup, versions, boilerplate across documents, bad input, the CLI."""

import json
import shutil

from sqlmodel import select
from typer.testing import CliRunner

from annotate.cli import app
from annotate.ingest.pipeline import document_text, ingest_paths
from annotate.store.ledger import history
from annotate.store.models import Decision, Document, Publisher

SHARED_BLOCK = (
    "About the Observatory. We are an independent group of volunteers who count damage to schools and clinics "
    "and publish what we find every month.\n\n"
    "Our methods are public. Every entry in the register links to at least two sources that a reader can check."
)


def write_report(folder, name, body, published="2024-02-01", source="Plainfield Review"):
    path = folder / name
    path.write_text(f"---\ntitle: {name}\nsource: {source}\npublished: {published}\n---\n{body}", encoding="utf-8")
    return path


def test_documents_keep_exact_text_and_metadata(record, tmp_path):
    body = "Officials said the bridge near the village was repaired on 3 February.\r\n\r\nA second paragraph — with “quotes”.\n"
    path = write_report(tmp_path, "bridge.md", body)
    report = ingest_paths(record.ledger, [str(path)])
    with record.session() as session:
        doc = session.get(Document, report.added[0])
        assert document_text(session, doc) == body
        assert (doc.title, doc.published, doc.inferred["published"]) == ("bridge.md", "2024-02-01", False)
        assert session.exec(select(Publisher.name)).all() == ["Plainfield Review"]


def test_reingesting_the_same_content_is_a_no_op(record, tmp_path):
    path = write_report(tmp_path, "a.md", "The dam was inspected on Monday.")
    ingest_paths(record.ledger, [str(path)])
    again = ingest_paths(record.ledger, [str(tmp_path)])
    assert again.added == [] and again.unchanged == ["a.md"]
    with record.session() as session:
        assert len(session.exec(select(Decision)).all()) == 2  # the publisher and the document


def test_a_changed_text_at_the_same_path_is_a_new_version(record, tmp_path):
    path = write_report(tmp_path, "a.md", "The dam was inspected on Monday.")
    first = ingest_paths(record.ledger, [str(path)]).added[0]
    write_report(tmp_path, "a.md", "The dam was inspected on Monday and found sound.")
    second = ingest_paths(record.ledger, [str(path)])
    with record.session() as session:
        newer = session.get(Document, second.added[0])
    assert second.new_versions == [newer.id] and newer.previous_id == first


def test_paragraphs_repeated_across_documents_become_boilerplate_in_all_of_them(record, tmp_path):
    one = write_report(tmp_path, "one.md", f"The clinic in the northern district reopened on Friday after repairs.\n\n{SHARED_BLOCK}\n")
    ingest_paths(record.ledger, [str(one)])
    two = write_report(tmp_path, "two.md", f"Shelling damaged a school in the eastern suburb on Sunday morning.\n\n{SHARED_BLOCK}\n")
    ingest_paths(record.ledger, [str(two)])
    with record.session() as session:
        docs = session.exec(select(Document).order_by(Document.id)).all()
        for doc in docs:
            text = document_text(session, doc)
            marked = "".join(text[s["start"] : s["end"]] for s in doc.boilerplate)
            assert "Our methods are public" in marked and "About the Observatory" in marked
            assert "clinic reopened" not in marked and "damaged a school" not in marked
        actions = [d["action"] for d in history(session, "document", docs[0].id)]
    assert actions == ["document.ingested", "document.boilerplate_marked"]


def test_bad_files_are_reported_and_the_rest_go_in(record, tmp_path):
    write_report(tmp_path, "good.md", "Engineers restored power to the district on Tuesday.")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody text here.")
    (tmp_path / "lines.jsonl").write_text('{"text": "A valid line about a ferry."}\n{not json}\n')
    report = ingest_paths(record.ledger, [str(tmp_path), str(tmp_path / "missing.txt")])
    failed = {e.path.rsplit("/", 1)[-1]: str(e) for e in report.errors}
    assert set(failed) == {"binary.txt", "empty.txt", "broken.md", "lines.jsonl", "missing.txt"}
    assert ":2" in failed["lines.jsonl"]
    assert len(report.added) == 2


def test_cli_ingest_exit_code_and_documents_listing(settings, tmp_path, monkeypatch, corpus):
    monkeypatch.setenv("CLAIMTRAIL_HOME", str(settings.home))
    monkeypatch.setenv("CLAIMTRAIL_DATABASE_URL", settings.resolved_database_url)
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    seeds = tmp_path / "seeds"
    shutil.copytree(corpus / "seeds", seeds)
    (seeds / "zzz.txt").write_bytes(b"\xff\xfe broken")
    result = runner.invoke(app, ["ingest", str(seeds)])
    assert result.exit_code == 1 and "zzz.txt" in result.output
    listed = [json.loads(line) for line in runner.invoke(app, ["documents", "--format", "jsonl"]).output.splitlines()]
    dates = {d["file_name"]: d["published"] for d in listed}
    assert dates == {
        "000_81db7bcdc1db73fc.txt": "2023-04-05",
        "001_b220c63b64f1d228.txt": "2024-01-07",
        "002_07bfc4ea1a2a7d8f.txt": "2024-06-04",
        "003_eebc1096e6e28fc2.txt": "2023-08-31",
    }
    assert all(d["inferred"]["published"] for d in listed)
    isw = [d for d in listed if d["file_name"].startswith(("000", "001"))]
    assert all(any(s["reason"] == "repeated" for s in d["boilerplate"]) for d in isw)
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0


def test_a_nul_character_past_the_binary_sniff_is_refused_by_name(record, tmp_path):
    (tmp_path / "late-nul.txt").write_text("A long report line about the ferry.\n" * 400 + "tail \x00 here\n")
    (tmp_path / "nul.jsonl").write_text('{"text": "Ferry \\u0000 resumed."}\n{"text": "The ferry resumed on Monday."}\n')
    report = ingest_paths(record.ledger, [str(tmp_path)])
    problems = sorted(str(e) for e in report.errors)
    assert len(problems) == 2 and all("NUL" in p for p in problems)
    assert "late-nul.txt:401" in problems[0] and "nul.jsonl:1" in problems[1]
    assert len(report.added) == 1
