"""Which documents are versions of which: the same URL, or the same file; never two records of one file."""

import json

from sqlmodel import select

from annotate.ingest.pipeline import ingest_paths
from annotate.store.models import Document


def documents(record) -> dict[str, Document]:
    with record.session() as session:
        return {d.file_name: d for d in session.exec(select(Document).order_by(Document.id))}


def write_jsonl(path, records) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_records_of_one_jsonl_file_without_urls_are_separate_documents(record, tmp_path):
    path = tmp_path / "desk.jsonl"
    write_jsonl(path, [{"id": n, "text": f"Report {n}: the ferry across the estuary ran {n} times on Sunday."} for n in range(3)])
    report = ingest_paths(record.ledger, [str(path)])
    assert len(report.added) == 3 and report.new_versions == []
    assert [d.previous_id for d in documents(record).values()] == [None, None, None]


def test_records_of_a_label_studio_task_list_are_separate_documents(record, tmp_path):
    path = tmp_path / "tasks.json"
    tasks = [{"id": n, "data": {"text": f"Task {n}: a convoy reached the depot at dawn with {n} lorries."}} for n in range(3)]
    path.write_text(json.dumps(tasks), encoding="utf-8")
    report = ingest_paths(record.ledger, [str(path)])
    assert len(report.added) == 3 and report.new_versions == []


def test_a_record_edited_in_a_second_file_run_is_not_a_version_of_the_others(record, tmp_path):
    path = tmp_path / "desk.jsonl"
    write_jsonl(path, [{"id": 1, "text": "The bridge was closed for repairs on Monday."}])
    ingest_paths(record.ledger, [str(path)])
    write_jsonl(path, [{"id": 1, "text": "The bridge was closed for repairs on Monday and Tuesday."}])
    again = ingest_paths(record.ledger, [str(path)])
    assert len(again.added) == 1 and again.new_versions == []


def test_records_with_the_same_url_are_versions_of_each_other(record, tmp_path):
    path = tmp_path / "feed.jsonl"
    url = "https://news.example.org/story/42"
    write_jsonl(
        path,
        [
            {"id": "a", "url": url, "text": "The mayor said the shelter would open on Friday."},
            {"id": "b", "url": url, "text": "The mayor said the shelter opened on Friday evening."},
            {"id": "c", "url": "https://news.example.org/story/43", "text": "Trains to the coast resumed after a week."},
        ],
    )
    report = ingest_paths(record.ledger, [str(path)])
    found = documents(record)
    assert found["feed.jsonl#b"].previous_id == found["feed.jsonl#a"].id
    assert found["feed.jsonl#c"].previous_id is None and report.new_versions == [found["feed.jsonl#b"].id]


def test_a_changed_file_is_still_a_new_version_of_itself(record, tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("The pontoon crossing was shelled overnight.", encoding="utf-8")
    first = ingest_paths(record.ledger, [str(path)]).added[0]
    path.write_text("The pontoon crossing was shelled overnight; two lorries burned.", encoding="utf-8")
    second = ingest_paths(record.ledger, [str(path)])
    assert second.new_versions == second.added and documents(record)["note.txt"].previous_id == first
