"""Issue 12: the Label Studio import's shortcuts (canonical JSON of states and fields checked
with less work, a prediction's evidence encoded once, candidates appended without a Change
each, new documents' metadata and paragraphs read ahead in a forked process) store exactly
what the plain ledger path stores. The same exports go into two records, one with the shortcuts and one with
them replaced by the plain encoder, under the same clock: every decision (hashes included)
and every state row is the same, the chain verifies, a second import adds nothing and a
changed task is a new document."""

import copy
import json
import os

import pytest
from sqlalchemy import text

from annotate.config import Settings
from annotate.ingest import pipeline
from annotate.labelstudio import decide, readahead
from annotate.labelstudio.importer import import_tasks
from annotate.labelstudio.regions import relation, span
from annotate.labelstudio.tasks import write_tasks
from annotate.store import canonical, ledger
from annotate.store.checkpoints import create_key
from annotate.store.record import Record
from annotate.store.verify import verify
from tests.labelstudio.lsfixtures import FakeLabelStudio

NOW = "2026-12-06T19:00:00.000000+00:00"
TEXT = "Kyiv, 3 March. Olena Hrytsenko said the bridge at Irpin was repaired overnight. Residents crossed it at dawn."
ODD = "Київ — 3 березня. Олена Гриценко said «the bridge» was repaired 🌉 overnight.\n\nSecond paragraph."


def task(n: int, text_: str = TEXT, score: float = 0.9) -> dict:
    person, place, claim = (text_.index(w) for w in ("Olena Hrytsenko", "Irpin", "the bridge"))
    end = text_.index(" overnight")
    result = [
        span(f"t{n}-p", "mention", person, person + 15, "Olena Hrytsenko", "PERSON", score),
        span(f"t{n}-g", "mention", place, place + 5, "Irpin", "GPE", 0.123456789012),
        span(f"t{n}-c", "claim", claim, end, text_[claim:end], "CLAIM", 1),  # an integer score
        relation(f"t{n}-c", f"t{n}-p", "claimant"),
    ]
    prediction = {"id": 50 + n, "model_version": "ner@1", "score": 0.8, "created_at": "2026-11-22T08:00:01Z", "result": result}
    return {"id": 100 + n, "project": 4, "data": {"text": text_, "title": f"Report {n}"}, "predictions": [prediction]}


def odd_task() -> dict:
    """Values the quick checks hand back to the plain encoder: tiny floats, non-ASCII keys."""
    start = ODD.index("Олена")
    result = [span("o1", "mention", start, start + 14, ODD[start : start + 14], "PERSON", 1e-05), span("o2", "mention", 0, 4, ODD[:4], "GPE", 0.5)]
    data = {"text": ODD, "publisher": "Укрінформ", "date": "2023-03-03", "meta": {"é": 1, "big": 2**40, "f": 1e-7, "n": [1.5, None, True]}}
    return {"id": 9001, "project": 4, "data": data, "predictions": [{"id": 77, "model_version": "odd@1", "result": result}]}


def run(tmp_path, name: str) -> dict:
    """The exports into a fresh record; every stored row of it, by table."""
    home = tmp_path / name
    record = Record.init(Settings(home=home))
    create_key(record.settings.resolved_key_file)
    tasks = [
        task(1),
        task(2, TEXT.replace("3 March", "4 March"), 1e-06),
        odd_task(),
        {"id": 9002, "data": {"text": "Plain text, 4 May 2024.", "url": "https://example.org/a"}},
    ]
    first = import_tasks(record, tasks, add_documents=True, path="export.json")
    again = import_tasks(record, tasks, add_documents=True, path="export.json")
    changed = copy.deepcopy(tasks[:1])
    changed[0]["data"]["text"] = TEXT.replace("at dawn", "before noon")
    third = import_tasks(record, changed, add_documents=True, path="export.json")
    assert (first.documents, again.documents, third.documents) == (4, 0, 1) and not again.decisions
    out = home / "tasks.json"
    write_tasks(record, out, document_ids=[1, 2])
    ls = FakeLabelStudio(json.loads(out.read_text()))
    for doc_id in (1, 2):
        ls.annotate(doc_id, 5, lambda result: result.pop(0))  # the first span deleted: a rejection, the rest accepted
    import_tasks(record, ls.snapshot({5: "ann@example.org"}))
    assert verify(record.engine).ok
    rows = {}
    with record.engine.connect() as conn:
        for table in ("decision", "document", "mention", "claim", "claimlink", "publisher", "entity", "documenttext", "paragraphhash"):
            rows[table] = [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{table}" ORDER BY 1, 2'))]
    record.engine.dispose()
    return rows


@pytest.fixture
def fixed_clock(monkeypatch):
    for module in (ledger, pipeline):
        monkeypatch.setattr(module, "utc_now", lambda: NOW)


def plain(monkeypatch) -> None:
    """The shortcuts replaced by the plain encoder, documents read in this process."""
    monkeypatch.setattr(readahead, "usable", lambda count: False)
    monkeypatch.setattr(ledger, "encode_state", lambda state, columns: canonical.encode(state))
    monkeypatch.setattr(canonical, "encode_fields", canonical.encode)
    monkeypatch.setattr(decide, "Spliced", _NoSplice)
    monkeypatch.setattr(decide._Step, "propose", _propose_through_apply)


def _propose_through_apply(step, region, shared=None) -> None:
    """A candidate as every other decision is made: a Change through Writer.apply."""
    fields = decide._new(region, step.source, "candidate", step.source.actor)
    step.record(decide.PROPOSED[region.kind], region.kind, fields, region.rid)


class _NoSplice:
    MARKER = canonical.Spliced.MARKER

    def __init__(self, value):
        pass

    def __call__(self, string, build):
        return canonical.encode(build(string))


def test_the_fast_import_stores_what_the_plain_path_stores(tmp_path, fixed_clock, monkeypatch):
    read = []
    monkeypatch.setattr(readahead, "usable", lambda count: True)  # however small the import, whatever the cores
    monkeypatch.setattr(readahead.ReadAhead, "fill", lambda self, n, doc, fill=readahead.ReadAhead.fill: read.append(n) or fill(self, n, doc))
    fast = run(tmp_path, "fast")
    assert len(read) == 5  # every new document's metadata came from the other process
    plain(monkeypatch)
    slow = run(tmp_path, "plain")
    assert len(fast["decision"]) > 20 and fast["decision"][-1] == slow["decision"][-1]  # the head: same hash, same chain
    for table in fast:
        assert fast[table] == slow[table], table


def test_when_the_read_ahead_process_dies_the_import_reads_the_documents_itself(record, monkeypatch):
    monkeypatch.setattr(readahead, "usable", lambda count: True)
    monkeypatch.setattr(readahead, "_read", _die)
    tasks = [task(1, TEXT.replace("3 March", "3 March 2023")), task(2, TEXT.replace("3 March", "4 March 2023"))]
    report = import_tasks(record, tasks, add_documents=True, path="export.json")
    assert report.documents == 2 and report.decisions == {"mention.proposed": 4, "claim.proposed": 2}
    with record.session() as session:
        published = session.execute(text("SELECT published FROM document ORDER BY id")).scalars().all()
    assert published == ["2023-03-03", "2023-03-04"]  # guessed here instead


def _die(indexes, path, recorded):
    os._exit(9)  # the helper process is gone mid-chunk
