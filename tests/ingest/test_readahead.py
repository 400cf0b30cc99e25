"""Files read ahead in another process go in exactly as files read here: same documents, same order,
the bad ones named in their place; if the reading process dies, the rest is read here."""

import json
import multiprocessing
import os

import pytest
from sqlmodel import select

from annotate.ingest import limits, readahead
from annotate.ingest.pipeline import ingest_paths
from annotate.ingest.readahead import read_files
from annotate.ingest.readers import expand_paths, read_paths
from annotate.ingest.source import ReadError, SourceDocument
from annotate.store.models import Document

DONATE = "Support our reporting: donate today to keep this newsroom independent."


@pytest.fixture
def desk(tmp_path):
    """A folder of three JSONL files (one with a broken line) and a Markdown file; every report ends
    with the same donation line."""
    folder = tmp_path / "desk"
    folder.mkdir()
    for part in range(3):
        records = [
            {"id": n, "title": f"Evening update {part}-{n}", "text": f"Crews cleared {n + 2} kilometres of the coastal road on day {part}.\n\n{DONATE}\n"}
            for n in range(4)
        ]
        (folder / f"part-{part}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (folder / "part-1.jsonl").write_text((folder / "part-1.jsonl").read_text() + "{not json\n", encoding="utf-8")
    (folder / "notes.md").write_text("---\ntitle: Ferry notes\n---\nThe ferry ran twice on Sunday.\n", encoding="utf-8")
    return folder


@pytest.fixture
def ahead(monkeypatch):
    """Read ahead whatever the size (the threshold keeps small ingests in one process), and whatever
    threads earlier tests left in this process (a command line ingest has none)."""
    if len(os.sched_getaffinity(0)) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("reading ahead needs a second core and fork")
    monkeypatch.setattr(readahead, "MIN_BYTES", 0)
    monkeypatch.setattr(readahead, "spare_core", lambda: True)


def stored(record) -> list[tuple]:
    with record.session() as session:
        docs = session.exec(select(Document).order_by(Document.id)).all()
        return [(d.file_name, d.title, d.published, d.sha256, json.dumps(d.boilerplate, sort_keys=True)) for d in docs]


def test_items_read_ahead_are_the_items_read_here_in_the_same_order(desk, ahead):
    paths = [str(desk), str(desk / "missing.txt")]
    found = list(read_files(expand_paths(paths)))
    assert [_plain(i) for i in found] == [_plain(i) for i in read_paths(paths)]
    assert isinstance(found[-1], ReadError) and "no such file" in found[-1].reason
    assert any(isinstance(i, ReadError) and i.line == 5 and i.path.endswith("part-1.jsonl") for i in found)
    docs = [i for i in found if isinstance(i, SourceDocument)]
    assert len(docs) == 13
    assert all(d.paragraphs is not None and d.sha256 for d in docs)  # the other process's work came back with them


def test_a_folder_ingested_with_reading_ahead_is_stored_as_without(desk, ahead, record, tmp_path, monkeypatch):
    report = ingest_paths(record.ledger, [str(desk)])
    assert len(report.added) == 13 and len(report.errors) == 1
    with_ahead = stored(record)
    assert sum("repeated" in row[4] for row in with_ahead) == 12  # the donation line, in every report that has it

    from annotate.config import Settings
    from annotate.store.record import Record

    other = Record.init(Settings(home=tmp_path / "other"))
    monkeypatch.setattr(readahead, "MIN_BYTES", 1 << 60)
    again = ingest_paths(other.ledger, [str(desk)])
    assert len(again.added) == 13 and [str(e) for e in again.errors] == [str(e) for e in report.errors]
    assert stored(other) == with_ahead
    other.engine.dispose()


def test_when_the_reading_process_dies_the_rest_is_read_here(desk, ahead, monkeypatch):
    monkeypatch.setattr(readahead, "_read", die_on_second_file)
    found = list(read_files(expand_paths([str(desk)])))
    assert [_plain(i) for i in found] == [_plain(i) for i in read_paths([str(desk)])]
    last = [i for i in found if isinstance(i, SourceDocument) and i.path.endswith("part-2.jsonl")]
    assert len(last) == 4 and all(d.paragraphs is None for d in last)  # read here, after the reader died


def die_on_second_file(work):
    if work[0].endswith("part-1.jsonl"):
        os._exit(1)  # as a kill would: no exception, no clean-up
    return list(readahead.read_path(work[0]))


def _plain(item) -> tuple:
    if isinstance(item, ReadError):
        return ("error", item.path, item.line, item.reason)
    return ("doc", item.path, item.record, item.text, item.title, item.publisher, item.published, item.url)


def test_a_big_jsonl_file_is_read_in_pieces_of_whole_lines_with_its_line_numbers(tmp_path, ahead, monkeypatch):
    monkeypatch.setattr(readahead, "PIECE_BYTES", 300)  # a piece every few lines
    lines = [json.dumps({"id": n, "text": f"Day {n}: the ferry crossed the estuary {n % 7 + 1} times."}) for n in range(40)]
    lines[7] = "{broken"  # an error names its line, whichever piece holds it
    lines[12] = ""  # blank lines count as lines
    lines[29] = json.dumps({"id": 29, "text": "Caf\u00e9 owners reopened on the quay."})
    path = tmp_path / "big.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b'{"text": "bad \xff byte"}\n')
    assert len(readahead._pieces(str(path))) > 5
    found = list(read_files([str(path)]))
    assert [_plain(i) for i in found] == [_plain(i) for i in read_paths([str(path)])]
    errors = [i for i in found if isinstance(i, ReadError)]
    assert [e.line for e in errors] == [8, 41] and "byte offset" in errors[1].reason
    docs = [i for i in found if isinstance(i, SourceDocument)]
    assert len(docs) == 38 and all(d.paragraphs is not None for d in docs)  # all read by the other process


def test_a_big_file_that_cannot_be_opened_for_splitting_is_read_whole(tmp_path, ahead, monkeypatch):
    monkeypatch.setattr(readahead, "PIECE_BYTES", 100)
    path = tmp_path / "desk.jsonl"
    path.write_text("".join(json.dumps({"text": f"Line {n} of a desk export."}) + "\n" for n in range(20)), encoding="utf-8")

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(readahead, "open", refused, raising=False)  # the splitter's open only
    assert readahead._pieces(str(path)) == [(str(path), None)]
    assert [_plain(i) for i in read_files([str(path)])] == [_plain(i) for i in read_paths([str(path)])]


def test_a_jsonl_file_over_the_size_limit_is_read_record_by_record(tmp_path, ahead, monkeypatch):
    monkeypatch.setattr(limits, "MAX_BYTES", 400)  # the limit is a record's, not the file's
    monkeypatch.setattr(readahead, "PIECE_BYTES", 250)
    lines = [json.dumps({"id": n, "text": f"Day {n}: the ferry crossed the estuary."}) for n in range(60)]
    lines[33] = json.dumps({"id": 33, "text": "A very long record. " * 40})  # over 400 bytes: refused alone
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 10 * limits.MAX_BYTES

    for found in (list(read_paths([str(path)])), list(read_files([str(path)]))):
        errors = [i for i in found if isinstance(i, ReadError)]
        assert [(e.line, "over the 400 bytes limit" in e.reason) for e in errors] == [(34, True)]
        docs = [i for i in found if isinstance(i, SourceDocument)]
        assert [d.record for d in docs] == [n for n in range(1, 61) if n != 34]  # the lines after it are read too
    assert len(readahead._pieces(str(path))) > 10
