"""Issue 12: a big JSONL file in a job is cut into pieces of whole lines, each a part of its own,
so workers share it and its progress shows; its records are named, and its bad lines placed,
as in the whole file."""

import json

from sqlalchemy import select
from sqlmodel import Session

from annotate.jobs import pieces, state, tasks
from annotate.jobs.intake import Spooled, intake
from annotate.store.models import Document
from tests.jobs.test_tasks import TEXTS


def jsonl(n: int, bad: set[int] = frozenset()) -> bytes:
    """n records, one a line; the lines numbered in `bad` are not JSON."""
    lines = ["{not json" if i in bad else json.dumps({"title": f"Update {i}", "text": f"{TEXTS[i % 2]}Update number {i}."}) for i in range(1, n + 1)]
    return ("\n".join(lines) + "\n").encode()


def test_pieces_end_at_line_ends_and_know_their_first_line(monkeypatch):
    monkeypatch.setattr(pieces, "PIECE_BYTES", 1000)
    data = jsonl(30)
    cut = intake([("updates.jsonl", data)])
    assert len(cut) > 3 and b"".join(p.data for p in cut) == data  # type: ignore[misc]
    assert all(p.name == "updates.jsonl" and p.data.endswith(b"\n") for p in cut)  # type: ignore[union-attr]
    starts = [1 + data[: sum(len(q.data) for q in cut[:k])].count(b"\n") for k in range(len(cut))]  # type: ignore[misc]
    assert [p.first_line for p in cut] == starts
    assert intake([("small.jsonl", jsonl(2))])[0].first_line is None  # a small file stays whole
    assert intake([("long.txt", b"word " * 1000)])[0].first_line is None  # only JSONL is cut


def test_a_line_longer_than_a_piece_stays_whole_and_a_spooled_file_is_cut_on_disk(tmp_path, monkeypatch):
    monkeypatch.setattr(pieces, "PIECE_BYTES", 1000)
    data = jsonl(3) + json.dumps({"text": "long " * 1000}).encode() + b"\n" + jsonl(3)
    spool = tmp_path / "0" / "mixed.jsonl"
    spool.parent.mkdir()
    spool.write_bytes(data)
    cut = intake([("mixed.jsonl", Spooled(spool, len(data)))])
    assert not spool.exists()  # its pieces hold it now
    texts = [open(p.path, "rb").read() for p in cut]  # type: ignore[arg-type]
    assert b"".join(texts) == data and all(t.endswith(b"\n") for t in texts)
    assert [p.first_line for p in cut] == [1, 5]  # the first piece read on to the end of the long line
    assert texts[0].count(b"\n") == 4 and texts[0].endswith(b'long "}\n')


def test_a_cut_file_goes_in_whole_named_and_placed_as_one_file_would_be(record, monkeypatch):
    monkeypatch.setattr(pieces, "PIECE_BYTES", 1500)
    files = intake([("updates.jsonl", jsonl(24, bad={17})), ("note.txt", TEXTS[1].encode())])
    assert len(files) > 4
    with Session(record.engine) as session:
        job, parts = state.create_ingest_job(session, "tester", "ui", files, preannotate=False)
        session.commit()
        job_id = job.id
    assert len(parts) == len(files)  # each piece a part of its own (and the file after it too)
    for part in reversed(parts):  # in any order, as two workers would take them
        tasks.ingest_part(record, job_id, part)
    with Session(record.engine) as session:
        names = set(session.execute(select(Document.file_name)).scalars())
        view = state.job_view(session, job_id)
    assert names == {f"updates.jsonl#{n}" for n in range(1, 25) if n != 17} | {"note.txt"}
    assert view["status"] == "done"
    errors = [e for f in view["files"] for e in f["errors"]]
    assert len(errors) == 1 and errors[0].startswith("line 17: ")
    assert [f["first_line"] for f in view["files"] if f["name"] == "updates.jsonl"][0] == 1
    assert sorted(f["first_line"] for f in view["files"] if f["name"] == "updates.jsonl") == [f.first_line for f in files if f.name == "updates.jsonl"]
    assert (view["total"], view["files_uploaded"]) == (len(files), 2)  # two files uploaded, in len(files) rows
    from annotate.commands.jobs import _line

    assert f"{len(files)}/{len(files)} pieces, 24 documents" in _line(view)  # `claimtrail jobs` does not say "files"
