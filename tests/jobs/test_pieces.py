"""Issue 12: a big JSONL file in a job is cut into pieces of whole lines, each a part of its own,
so workers share it and its progress shows; its records are named, and its bad lines placed,
as in the whole file."""

import json

from sqlalchemy import func, select
from sqlmodel import Session

from annotate.jobs import pieces, state, tasks
from annotate.jobs.intake import Spooled, intake
from annotate.store.models import Claim, Document
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


# A big JSON task list (a Label Studio export) is cut between its tasks.


def export(n: int, bad: int | None = None) -> list[dict]:
    """n Label Studio tasks with a prediction each, ids 101…; task `bad`'s prediction has a span past its text."""
    from tests.labelstudio.test_ls_add_documents import TEXT, task

    found = [task(k, TEXT.replace("3 March", f"{k} March")) for k in range(1, n + 1)]
    if bad is not None:
        found[bad - 1]["predictions"][0]["result"][0]["value"]["end"] = 10_000
    return found


def test_a_json_list_is_cut_between_its_tasks_their_bytes_as_they_were(monkeypatch):
    monkeypatch.setattr(pieces, "JSON_PIECE_BYTES", 1500)
    tasks_ = [{"data": {"text": f'Report {k}, "quoted", with [brackets], {{braces}} and a \\ backslash.', "title": f"R{k}"}} for k in range(1, 41)]
    data = json.dumps(tasks_, indent=1).encode()
    cut = intake([("tasks.json", data)])
    assert len(cut) > 3 and all(p.name == "tasks.json" for p in cut)
    read = [json.loads(p.data) for p in cut]  # type: ignore[arg-type]
    assert [t for part in read for t in part] == tasks_  # every task once, in order
    assert [p.first_line for p in cut] == [1 + sum(map(len, read[:k])) for k in range(len(cut))]  # each piece knows its first task
    assert all(p.data[1:-1] in data for p in cut)  # type: ignore[index,operator]  # not parsed and written again
    assert intake([("small.json", json.dumps(tasks_[:2]).encode())])[0].first_line is None  # a small file stays whole
    one = json.dumps({"data": {"text": "x" * 4000}}).encode()
    assert intake([("one.json", one)])[0].data == one  # one task, not a list: whole, as the reader takes it
    broken = data[:-2]
    assert intake([("broken.json", broken)])[0].data == broken  # never closed: whole, so its reader says where it breaks


def test_a_cut_task_list_goes_in_named_as_the_whole_file_would_be(record, tmp_path, monkeypatch):
    monkeypatch.setattr(pieces, "JSON_PIECE_BYTES", 1000)
    plain = [{"data": {"text": f"{TEXTS[k % 2]}Update number {k}."}} for k in range(1, 21)]
    plain[13]["data"]["text"] = ""  # the 14th task: no text to read
    spool = tmp_path / "0" / "tasks.json"
    spool.parent.mkdir()
    spool.write_bytes(json.dumps(plain).encode())
    files = intake([("tasks.json", Spooled(spool, spool.stat().st_size))])
    assert len(files) > 3 and not spool.exists()  # cut on disk into pieces beside it
    with Session(record.engine) as session:
        job, parts = state.create_ingest_job(session, "tester", "ui", files, preannotate=False)
        session.commit()
        job_id = job.id
    for part in reversed(parts):
        tasks.ingest_part(record, job_id, part)
    with Session(record.engine) as session:
        names = set(session.execute(select(Document.file_name)).scalars())
        view = state.job_view(session, job_id)
    assert names == {f"tasks.json#{k}" for k in range(1, 21) if k != 14}
    errors = [e for f in view["files"] for e in f["errors"]]
    assert len(errors) == 1 and errors[0].startswith("field 'data.text': task #14: ")
    later = [f["starts"] for f in view["files"] if f["first_line"] > 1]
    assert later and all(s.startswith("from task ") for s in later)


def test_a_label_studio_export_in_pieces_brings_every_prediction_and_refuses_only_the_bad_piece(record, monkeypatch):
    monkeypatch.setattr(pieces, "JSON_PIECE_BYTES", 2000)
    tasks_ = export(12, bad=7)
    del tasks_[10]["id"]  # named by its place in the export, #11, wherever its piece starts
    files = intake([("export.json", json.dumps(tasks_).encode())])
    assert len(files) > 2 and not any(f.first_line == 11 for f in files)  # #11 inside a later piece
    with Session(record.engine) as session:
        job, parts = state.create_ingest_job(session, "tester", "ui", files, preannotate=False)
        session.commit()
        job_id = job.id
    for part in parts:
        tasks.ingest_part(record, job_id, part)
    bad_piece = next(f for f in files if f.first_line <= 7 < f.first_line + len(json.loads(f.data)))  # type: ignore[operator,arg-type]
    refused = set(range(bad_piece.first_line, bad_piece.first_line + len(json.loads(bad_piece.data))))  # type: ignore[arg-type,operator]
    with Session(record.engine) as session:
        names = set(session.execute(select(Document.file_name)).scalars())
        predicted = session.execute(select(func.count()).select_from(Claim).where(Claim.annotator == "ner@1")).scalar()
        view = state.job_view(session, job_id)
    kept = [k for k in range(1, 13) if k not in refused]
    assert names == {f"export.json#{100 + k}" if k != 11 else "export.json#11" for k in kept}  # as the whole export would name them
    assert predicted == len(kept)  # each task's predicted claim a candidate
    errors = [e for f in view["files"] for e in f["errors"]]
    assert errors and all("task 107" in e for e in errors)  # the piece's refusal names the task at fault
    assert [f["status"] for f in view["files"]].count("refused") == 1
