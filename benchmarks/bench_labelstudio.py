"""Label Studio round trip: task export and import on files, push / pull against a real server.

Targets (issue 6): 10,000-document task export ≤ 1 s (Label Studio 1.23 takes ~19 s to
export 10,000 tasks); load of 10,000 tasks with predictions ≤ 4 s (it takes ~19 s to
import them). Documents are ~3 kB with 10 mentions and 2 claims each, like the research
note's test data.

    python -m benchmarks.bench_labelstudio files [N]       # default 10000, no server needed
    python -m benchmarks.bench_labelstudio server [N] [A]  # default 1000 tasks, A (default N) annotated
                                                           # through the API; needs scripts/labelstudio-venv.sh
    python -m benchmarks.bench_labelstudio import [N]      # default 10000: a fresh record takes in N tasks
                                                           # with 10 predicted spans each (one pass; with
                                                           # --two-passes also ingest + import), and N text reports,
                                                           # beside Label Studio importing the same tasks (if
                                                           # scripts/labelstudio-venv.sh made its venv)
    python -m benchmarks.bench_labelstudio floor [N]       # default 10000: that import, then every write it
                                                           # sent SQLite replayed alone (sqlite3, one
                                                           # transaction): the time no Python can save

Targets (issue 12): 10,000 tasks with 10 predictions each in ≤ 4 s (documents and
candidates in one pass: `labelstudio import --add-documents`); 10,000 text
reports (no pre-annotation) in ≤ 5 s. Label Studio took 14 s for the tasks (raw POST).
"""

import hashlib
import json
import random
import resource
import sys
import tempfile
import time
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

import orjson
from sqlalchemy import insert

from annotate.labelstudio import regions
from annotate.labelstudio.config import CLAIMANT
from annotate.labelstudio.importer import import_tasks, load_export
from annotate.labelstudio.tasks import write_tasks
from annotate.store.ledger import Change
from annotate.store.models import DocumentText
from benchmarks.common import fresh_record

NAMES = ["Olena Hrytsenko", "Andriy Melnyk", "Serhiy Kovalenko", "Iryna Bondar", "Pavlo Shevchuk"]
ORGS = ["the 93rd Brigade", "the Wagner Group", "the General Staff", "the city council"]
PLACES = ["Bakhmut", "Kupiansk", "Chasiv Yar", "Soledar", "Avdiivka"]


@contextmanager
def timed(label: str, count: int, unit: str = "tasks"):
    """Wall and CPU time: on a busy shared box the CPU time is the steadier figure. A forked
    helper's CPU (a big import reads documents ahead on a second core) is said beside it."""
    wall, cpu, helpers = time.perf_counter(), time.process_time(), _children_cpu()
    yield
    wall, cpu, helpers = time.perf_counter() - wall, time.process_time() - cpu, _children_cpu() - helpers
    also = f" + {helpers:.3f} s CPU in a helper process" if helpers > 0.001 else ""
    print(f"{label}: {wall:.3f} s wall ({count / wall:,.0f} {unit}/s), {cpu:.3f} s CPU in this process{also}")


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def seed(record, n: int) -> None:
    """n documents with candidates by bench@1, through the ledger, in batches."""
    rng = random.Random(7)
    for first in range(0, n, 500):
        with record.ledger.writer("bench@1", "annotator") as w:
            for i in range(first, min(n, first + 500)):
                text = _text(i, rng)
                sha = hashlib.sha256(text.encode()).hexdigest()
                w.session.execute(insert(DocumentText), [{"sha256": sha, "text": text}])
                doc = w.apply(Change("document.ingested", "document", set={"sha256": sha, "file_name": f"r{i}.txt", "length": len(text)}))["id"]
                for start, end, label in _spans(text):
                    w.apply(
                        Change(
                            "mention.proposed",
                            "mention",
                            set={"document_id": doc, "start": start, "end": end, "text": text[start:end], "label": label, "annotator": "bench@1", "score": 0.8},
                        )
                    )
                for start, end in _claims(text):
                    w.apply(
                        Change(
                            "claim.proposed",
                            "claim",
                            set={"document_id": doc, "start": start, "end": end, "quote": text[start:end], "annotator": "bench@1", "score": 0.7},
                        )
                    )


def _text(i: int, rng: random.Random) -> str:
    text = f"Report {i}. "
    while len(text) < 3000:
        text += (
            f"On 3 March 2023, {rng.choice(NAMES)} of {rng.choice(ORGS)} said in {rng.choice(PLACES)} that forces near "
            f"{rng.choice(PLACES)} had lost {rng.randint(2, 90)} vehicles. Analysts could not confirm the figure. "
        )
    return text


def _spans(text: str) -> list[tuple]:
    found, at = [], 0
    while len(found) < 10:
        for words, label in [(NAMES, "PERSON"), (ORGS, "ORG"), (["3 March 2023"], "DATE")]:
            hits = [(text.find(w, at), w) for w in words if text.find(w, at) >= 0]
            if hits:
                start, w = min(hits)
                found.append((start, start + len(w), label))
        at = text.find("Analysts", at) + 1
    return found[:10]


def _claims(text: str) -> list[tuple]:
    found, at = [], 0
    for _ in range(2):
        start = text.index("forces near", at)
        end = text.index(".", start)
        found.append((start, end))
        at = end
    return found


def files(n: int) -> None:
    record = fresh_record("labelstudio")
    with timed(f"seed {n} documents with 12 candidates each", n, "documents"):
        seed(record, n)
    path = Path(tempfile.mkdtemp(prefix="claimtrail-ls-")) / "tasks.json"
    with timed(f"export {n} Label Studio tasks (write_tasks)", n, "tasks"):
        write_tasks(record, path)
    print(f"  {path.stat().st_size / 1e6:.1f} MB")
    tasks = load_export(path)
    with timed(f"load {n} tasks with our own predictions (checked, all match: no decisions)", n, "tasks"):
        report = import_tasks(record, load_export(path))
    assert not report.decisions, report.summary()
    for t in tasks:  # the same spans from another model: each becomes a new candidate
        for p in t["predictions"]:
            p["model_version"] = "other@2"
            for r in p["result"]:
                r["id"] = "x" + r["id"]
    other = path.with_name("other.json")
    other.write_text(json.dumps(tasks))
    fresh = fresh_record("labelstudio-other")
    seed_docs_only(fresh, record)
    with timed(f"load {n} tasks with another model's predictions (12 new candidates each)", n, "tasks"):
        report = import_tasks(fresh, load_export(other))
    print(f"  {report.summary()}")


def seed_docs_only(target, source) -> None:
    """The same documents, without candidates."""
    with source.session() as s:
        rows = s.execute(DocumentText.__table__.select()).mappings().all()
    for first in range(0, len(rows), 1000):
        with target.ledger.writer("bench", "cli") as w:
            for row in rows[first : first + 1000]:
                w.session.execute(insert(DocumentText), [dict(row)])
                w.apply(Change("document.ingested", "document", set={"sha256": row["sha256"], "file_name": "x", "length": len(row["text"])}))


def server(n: int, annotated: int | None = None) -> None:
    from annotate.labelstudio.client import connect, pull, push
    from annotate.labelstudio.config import build_config
    from tests.labelstudio.lsserver import LabelStudioServer

    record = fresh_record("labelstudio-server")
    seed(record, n)
    ls = LabelStudioServer(Path(__file__).resolve().parents[1] / ".ls-venv", Path(tempfile.mkdtemp(prefix="claimtrail-lsbench-")))
    started = time.perf_counter()
    ls.start()
    print(f"server start (from template if present): {time.perf_counter() - started:.1f} s")
    try:
        client = connect(ls.url, ls.token)
        for page_size in (1000, 100):
            pid = client.projects.create(title=f"bench {page_size}", label_config=build_config()).id
            with timed(f"push {n} tasks with predictions, pages of {page_size}", n, "tasks"):
                report = push(record, ls.url, ls.token, pid, page_size=page_size)
            assert report.pushed == n
        with timed(f"push again ({n} already there: listing only)", n, "tasks"):
            assert push(record, ls.url, ls.token, pid, page_size=1000).pushed == 0
        with timed(f"pull {n} tasks, no annotations (pages of 100)", n, "tasks"):
            report = pull(record, ls.url, ls.token, pid, page_size=100)
        assert not report.decisions
        started = time.perf_counter()
        annotated = n if annotated is None else annotated
        for task in islice(client.tasks.list(project=pid, page_size=100, fields="all"), annotated):
            pred = task.predictions[0]
            client.annotations.create(id=task.id, result=pred.result[1:], lead_time=5.0, parent_prediction=pred.id)
        print(f"(Label Studio: {annotated} annotations created through the API in {time.perf_counter() - started:.1f} s)")
        with timed(f"pull {n} tasks, {annotated} annotated (pages of 100)", n, "tasks"):
            report = pull(record, ls.url, ls.token, pid, page_size=100)
        print(f"  {report.summary()}")
        with timed(f"pull again ({n} annotations already imported)", n, "tasks"):
            report = pull(record, ls.url, ls.token, pid, page_size=100)
        assert report.skipped == annotated and not report.decisions
    finally:
        ls.stop()


# --- importing a new corpus: Claimtrail beside Label Studio --------------------------------

VERBS = ["said", "told reporters", "claimed", "reported", "announced"]
FILLER = [
    "Analysts could not confirm the figure independently.",
    "Residents described long queues for water and fuel in the centre of town.",
    "The statement gave no details about casualties on either side.",
    "Satellite images from the previous week showed damage along the main road.",
    "Local officials asked volunteers to register before travelling to the area.",
    "A spokesperson declined to comment on the timing of the operation.",
]


def synthetic_task(i: int, rng: random.Random) -> dict:
    """A report of 2-9 kB with one prediction: 8 entity spans, 2 claims and a claimant relation."""
    spans, parts, at = [], [f"Report {i} from the {rng.choice(PLACES)} front\n\n"], 0
    at = len(parts[0])

    def put(piece: str, label: str | None = None) -> None:
        nonlocal at
        if label:
            spans.append((at, at + len(piece), label))
        parts.append(piece)
        at += len(piece)

    for k in range(2):  # two claim sentences with their entities
        if k:
            put(" ")
        start = at
        if k == 0:
            put("On "), put(f"{rng.randint(1, 28)} March 2023", "DATE"), put(", ")
        put(rng.choice(NAMES), "PERSON"), put(" of "), put(rng.choice(ORGS), "ORG"), put(f" {rng.choice(VERBS)} in ")
        put(rng.choice(PLACES), "GPE"), put(" that forces near ")
        if k == 0:
            put(rng.choice(PLACES), "GPE")
        else:
            put("the river")
        put(f" had lost {rng.randint(2, 90)} vehicles.")
        spans.append((start, at - 1, "CLAIM"))
    target = rng.randint(2000, 9000)
    while at < target:
        put(" " + rng.choice(FILLER))
    text = "".join(parts)
    result = []
    for n, (start, end, label) in enumerate(spans):
        kind = "claim" if label == "CLAIM" else "mention"
        result.append(regions.span(f"r{i}-{n}", kind, start, end, text[start:end], label, 0.8))
    claim = next(r for r in result if r["value"]["labels"] == ["CLAIM"])
    result.append(regions.relation(claim["id"], result[1]["id"], CLAIMANT))
    return {"data": {"text": text, "title": f"Report {i}"}, "predictions": [{"model_version": "ner@1", "score": 0.8, "result": result}]}


def write_corpus(n: int, folder: Path) -> list[dict]:
    """The same reports three ways: one task list (Label Studio's POST, our `labelstudio import`),
    task files of 1,000 (the two-pass way: ingest, then import) and JSONL with text and title only."""
    rng = random.Random(12)
    tasks = [synthetic_task(i, rng) for i in range(n)]
    (folder / "tasks").mkdir(parents=True)
    (folder / "jsonl").mkdir()
    (folder / "all.json").write_bytes(orjson.dumps(tasks))
    for part in range(0, n, 1000):
        chunk = tasks[part : part + 1000]
        (folder / "tasks" / f"part-{part // 1000:02d}.json").write_bytes(orjson.dumps(chunk))
        lines = (orjson.dumps({"text": t["data"]["text"], "title": t["data"]["title"]}) for t in chunk)
        (folder / "jsonl" / f"part-{part // 1000:02d}.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    return tasks


def import_corpus(n: int = 10000) -> None:
    from annotate.ingest.pipeline import ingest_paths

    folder = Path(tempfile.mkdtemp(prefix="claimtrail-import-"))
    write_corpus(n, folder)
    print(
        f"{n} tasks: {(folder / 'all.json').stat().st_size / 1e6:.0f} MB of Label Studio JSON, "
        f"{sum(len(t['data']['text']) for t in load_export(folder / 'all.json')) / n:,.0f} characters per report"
    )
    record = fresh_record("import-tasks")
    with timed(f"labelstudio import --add-documents of {n} tasks (10 predicted spans each): one pass", n, "tasks"):
        wall = time.perf_counter()
        imported = import_tasks(record, load_export(folder / "all.json"), add_documents=True, path=str(folder / "all.json"))
        ours = time.perf_counter() - wall
    assert imported.documents == n, imported.summary()
    print(f"  {imported.summary()}")
    with timed(f"the same file again (nothing new: {n} tasks checked, nothing written)", n, "tasks"):
        again = import_tasks(record, load_export(folder / "all.json"), add_documents=True, path=str(folder / "all.json"))
    assert not again.documents and not again.decisions, again.summary()
    print(f"Claimtrail, tasks with predictions: {ours:.2f} s")
    if "--two-passes" in sys.argv:  # how it was done before the one pass: ingest the task files, then import
        record = fresh_record("import-tasks-two")
        with timed(f"ingest {n} Label Studio tasks (documents)", n, "tasks"):
            report = ingest_paths(record.ledger, [str(folder / "tasks")])
        with timed(f"labelstudio import of the same {n} tasks", n, "tasks"):
            import_tasks(record, load_export(folder / "all.json"))
    record = fresh_record("import-text")
    with timed(f"ingest {n} text reports (JSONL, no pre-annotation)", n, "reports"):
        report = ingest_paths(record.ledger, [str(folder / "jsonl")])
    assert len(report.added) == n and not report.errors
    print(f"  {len(report.added)} added ({len(report.new_versions)} new versions)")
    theirs = label_studio_import(folder / "all.json", n)
    if theirs:
        print(f"ratio Label Studio / Claimtrail (tasks with predictions, this run): {theirs / ours:.2f}")


def floor(n: int = 10000, runs: int = 3) -> None:
    """SQLite's own share of the one-pass import: the import runs with each write statement it
    sends (with its values) recorded; then the same statements go, with nothing else, to copies of
    the empty record through Python's sqlite3, in one transaction with the writer's pragmas. What
    the import takes beyond that is Python's, which a faster import could save; the replay is
    the floor under any import that stores the same rows."""
    import shutil
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    folder = Path(tempfile.mkdtemp(prefix="claimtrail-floor-"))
    write_corpus(n, folder)
    record = fresh_record("floor")
    empty = folder / "empty.sqlite"
    with sqlite3.connect(str(record.engine.url.database)) as source, sqlite3.connect(empty) as copy:
        source.backup(copy)
    writes: list[tuple] = []

    def keep(conn, cursor, statement, params, context, executemany) -> None:
        if not statement.lstrip().upper().startswith(("SELECT", "PRAGMA", "BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")):
            writes.append((statement, params, executemany))

    tasks = load_export(folder / "all.json")
    event.listen(Engine, "before_cursor_execute", keep)
    try:
        with timed(f"labelstudio import --add-documents of {n} tasks (its writes recorded)", n):
            import_tasks(record, tasks, add_documents=True, path=str(folder / "all.json"))
    finally:
        event.remove(Engine, "before_cursor_execute", keep)
    rows = sum(len(params) if many else 1 for _, params, many in writes)
    for run in range(runs):
        target = folder / f"replay-{run}.sqlite"
        shutil.copy(empty, target)
        db = sqlite3.connect(target, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536"):
            db.execute(f"PRAGMA {pragma}")
        started = time.perf_counter()
        db.execute("BEGIN")
        for statement, params, many in writes:
            db.executemany(statement, params) if many else db.execute(statement, params or ())
        db.execute("COMMIT")
        print(f"the same {len(writes)} write statements ({rows:,} rows), SQLite alone: {time.perf_counter() - started:.2f} s")
        db.close()


def label_studio_import(tasks_file: Path, n: int) -> float | None:
    """Label Studio's own import of the same tasks: one raw POST, as the research note measured it."""
    import urllib.request

    from annotate.labelstudio.config import build_config
    from tests.labelstudio.lsserver import LabelStudioServer

    venv = Path(__file__).resolve().parents[1] / ".ls-venv"
    if not (venv / "bin" / "label-studio").exists():
        print("Label Studio: no .ls-venv (scripts/labelstudio-venv.sh makes it); not measured")
        return None
    ls = LabelStudioServer(venv, Path(tempfile.mkdtemp(prefix="claimtrail-lsbench-")))
    ls.start()
    try:
        headers = {"Authorization": f"Token {ls.token}", "Content-Type": "application/json"}
        body = orjson.dumps({"title": "import bench", "label_config": build_config(use_sdk=False)})
        with urllib.request.urlopen(urllib.request.Request(f"{ls.url}/api/projects/", body, headers), timeout=60) as answer:
            pid = orjson.loads(answer.read())["id"]
        started = time.perf_counter()
        request = urllib.request.Request(f"{ls.url}/api/projects/{pid}/import", tasks_file.read_bytes(), headers)
        with urllib.request.urlopen(request, timeout=3600) as answer:
            counts = orjson.loads(answer.read())
        seconds = time.perf_counter() - started
    finally:
        ls.stop()
    print(
        f"Label Studio 1.23 POST /api/projects/{pid}/import of the {n} tasks: {seconds:.2f} s "
        f"(server duration {counts.get('duration', 0):.2f} s; {counts.get('task_count')} tasks, {counts.get('prediction_count')} predictions)"
    )
    return seconds


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "files"
    numbers = [int(a) for a in sys.argv[2:] if a.isdigit()]
    count = numbers[0] if numbers else (1000 if mode == "server" else 10000)
    {"files": files, "server": server, "import": import_corpus, "floor": floor}[mode](count, *numbers[1:2])
