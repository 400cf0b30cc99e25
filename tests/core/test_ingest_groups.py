"""Issue 12: ingest writes several batches of documents in one transaction (fewer commits).
Each batch is still decided as if the ones before it had committed: the same decisions in the
same order (boilerplate found across batches, new versions, texts seen before), and a document
the database refuses is still named while the rest of its transaction goes in."""

import pytest
from sqlalchemy import text

from annotate.config import Settings
from annotate.ingest import pipeline
from annotate.ingest.pipeline import ingest_items
from annotate.ingest.source import SourceDocument
from annotate.store import ledger
from annotate.store.record import Record
from annotate.store.verify import verify

NOW = "2026-12-06T21:00:00.000000+00:00"
BANNER = "Subscribe to our newsletter for the latest updates from the front line every morning."


def documents() -> list[SourceDocument]:
    """Paragraphs shared across batches, a URL seen again with a new text, a text given twice."""
    docs = []
    for i in range(11):
        body = f"Report {i}: the council said the ferry at pier {i} would run again from Tuesday."
        banner = f"\n\n{BANNER}" if i % 3 == 0 else ""
        url = f"https://example.org/{i % 4}" if i % 2 else None
        docs.append(SourceDocument(body + banner, f"r{i}.txt", f"/in/r{i}.txt", "txt", title=f"r{i}", url=url))
    docs.append(SourceDocument(docs[2].text, "again.txt", "/in/again.txt", "txt", title="again"))
    return docs


def stored(record) -> dict:
    with record.engine.connect() as conn:
        tables = ("decision", "document", "documenttext", "paragraphhash", "publisher")
        return {t: [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}" ORDER BY 1, 2'))] for t in tables}


def test_batches_in_one_transaction_store_what_batches_committed_alone_store(tmp_path, monkeypatch):
    monkeypatch.setattr(ledger, "utc_now", lambda: NOW)
    monkeypatch.setattr(pipeline, "utc_now", lambda: NOW)
    monkeypatch.setattr(pipeline, "BATCH", 3)
    found = {}
    for group in (1, 4):  # one transaction per batch (as before), four batches a transaction
        monkeypatch.setattr(pipeline, "GROUP", group)
        record = Record.init(Settings(home=tmp_path / f"group-{group}"))
        report = ingest_items(record.ledger, documents())
        assert (len(report.added), len(report.unchanged), len(report.new_versions)) == (11, 1, 3)
        assert verify(record.engine).ok
        found[group] = stored(record)
        record.engine.dispose()
    actions = [row[4] for row in found[4]["decision"]]
    assert actions.count("document.ingested") == 11 and "document.boilerplate_marked" in actions
    assert found[1] == found[4]


def test_a_document_the_database_refuses_is_named_and_the_rest_of_its_transaction_goes_in(record, monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH", 2)
    monkeypatch.setattr(pipeline, "GROUP", 3)
    docs = documents()[:6]
    docs[3] = SourceDocument("A title the database refuses.", "bad.jsonl#4", "/in/bad.jsonl", "jsonl", title="half \ud800 a character", line=4)
    report = ingest_items(record.ledger, docs)
    assert len(report.added) == 5 and [str(e).split(": refused")[0] for e in report.errors] == ["/in/bad.jsonl:4"]
    with record.session() as session:
        names = session.execute(text("SELECT file_name FROM document ORDER BY id")).scalars().all()
    assert names == ["r0.txt", "r1.txt", "r2.txt", "r4.txt", "r5.txt"]


@pytest.mark.parametrize("group", [1, 3])
def test_ingesting_the_same_documents_again_writes_nothing(record, monkeypatch, group):
    monkeypatch.setattr(pipeline, "BATCH", 2)
    monkeypatch.setattr(pipeline, "GROUP", group)
    first = ingest_items(record.ledger, documents())
    with record.session() as session:
        decisions = session.execute(text("SELECT count(*) FROM decision")).scalar()
    again = ingest_items(record.ledger, documents())
    with record.session() as session:
        assert session.execute(text("SELECT count(*) FROM decision")).scalar() == decisions
    assert len(first.added) == 11 and not again.added and len(again.unchanged) == 12
