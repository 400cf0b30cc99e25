"""Issue 13, finding 3: a record the database cannot store is named (file, line, field, reason)
and the rest of the run goes in, on SQLite and PostgreSQL alike. Before, a lone surrogate in a
JSONL record (both databases), or a NUL or NaN in metadata (PostgreSQL), aborted the whole run
with a traceback and the good files beside it were lost."""

import json

from annotate.ingest.pipeline import IngestReport, _ingest_batch, ingest_paths
from annotate.ingest.source import SourceDocument
from annotate.store.models import Document

GOOD = "The council said the ferry would run again from Tuesday."


def names(record) -> list[str]:
    with record.session() as session:
        return sorted(d.file_name for d in session.query(Document).all())


def test_bad_records_are_named_and_the_good_ones_go_in(record, tmp_path):
    for i in range(3):
        (tmp_path / f"good-{i}.txt").write_text(f"{GOOD} Report {i}.", encoding="utf-8")
    lines = [  # json.dumps writes "\ud800", "\u0000" and NaN as a careless exporter would
        json.dumps({"text": GOOD, "title": "first"}),
        json.dumps({"text": "A lone surrogate \ud800 in the text.", "title": "surrogate"}),
        json.dumps({"text": f"{GOOD} Again.", "title": "nul \x00 title"}),
        json.dumps({"text": f"{GOOD} Once more.", "title": "nan", "score": float("nan")}),
        json.dumps({"text": f"{GOOD} Last.", "title": "last", "tags": ["ok", "bad \udfff"]}),
        json.dumps({"text": f"{GOOD} Final.", "title": "final"}),
    ]
    (tmp_path / "z-records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest_paths(record.ledger, [str(tmp_path)])
    named = sorted(str(e) for e in report.errors)
    assert len(report.added) == 5 and len(named) == 4
    assert [n.split(": ", 1)[0].rsplit("/", 1)[1] for n in named] == [f"z-records.jsonl:{n}" for n in (2, 3, 4, 5)]
    assert "field 'text': contains a lone surrogate" in named[0]
    assert "field 'title': contains a NUL character" in named[1]
    assert "field 'meta.score': nan is not a number" in named[2]
    assert "field 'meta.tags.1': contains a lone surrogate" in named[3]
    assert names(record) == ["good-0.txt", "good-1.txt", "good-2.txt", "z-records.jsonl#1", "z-records.jsonl#6"]


def test_a_document_the_database_refuses_is_named_and_its_batch_still_goes_in(record):
    good = [SourceDocument(f"{GOOD} Number {i}.", f"g{i}.txt", f"/in/g{i}.txt", "txt", title=f"g{i}") for i in range(3)]
    bad = SourceDocument(f"{GOOD} Bad.", "b.jsonl#7", "/in/b.jsonl", "jsonl", title="half \ud800 a character", line=7)
    report = IngestReport()
    _ingest_batch(record.ledger, [good[0], bad, *good[1:]], "cli", "cli", report)
    assert len(report.added) == 3 and [str(e).split(": refused")[0] for e in report.errors] == ["/in/b.jsonl:7"]
    assert names(record) == ["g0.txt", "g1.txt", "g2.txt"]
