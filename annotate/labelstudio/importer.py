"""Reading a Label Studio export back into the record, as decisions by its annotators.

Takes Label Studio's JSON export, an export snapshot with full predictions, tasks from
the API (`client.pull`) or our own task file. Everything is checked first
(`validate.py`): one problem refuses the whole import, naming the task and the result,
and nothing is written. Then `decide.py` turns predictions and annotations into
decisions, oldest first, with origin "label-studio".

Idempotent: an annotation version already imported (Label Studio annotation id and
updated_at are the idempotency key of its first decision) is skipped, and a span or link
already in the state an annotation asks for gives no decision.
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import orjson
from sqlalchemy import select
from sqlmodel import Session

from annotate.errors import Invalid
from annotate.labelstudio.config import TEXT, LabelConfig, parse
from annotate.labelstudio.decide import apply_run
from annotate.labelstudio.documents import NewDocuments
from annotate.labelstudio.sources import CHUNK, ORIGIN, Source, TaskRef
from annotate.labelstudio.validate import check_result
from annotate.store.gcpause import no_gc
from annotate.store.models import Document


class Refused(Invalid):
    """The export does not match the labeling config or the record; nothing was imported."""

    exit_code = 1  # the file was read and judged, unlike a usage error

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"refused, nothing imported: {len(problems)} problem(s)\n{shown}{more}")


@dataclass
class ImportReport:
    tasks: int = 0
    documents: int = 0  # added with the import (add_documents)
    document_ids: list[int] = field(default_factory=list)  # theirs
    predictions: int = 0
    annotations: int = 0
    skipped: int = 0  # annotation versions imported before
    cancelled: int = 0  # skipped annotations
    kept: int = 0  # changes not made: a later decision in Claimtrail stands
    decisions: Counter = field(default_factory=Counter)  # by action
    set_aside: Counter = field(default_factory=Counter)  # results of controls we do not import, by control

    def summary(self) -> str:
        made = ", ".join(f"{n} {a}" for a, n in sorted(self.decisions.items())) or "no changes"
        return (
            (f"{self.documents} documents added; " if self.documents else "")
            + f"{self.tasks} tasks, {self.predictions} predictions, {self.annotations} annotations "
            f"({self.skipped} already imported, {self.cancelled} cancelled): {made}"
            + (f"; {self.kept} changes not made, a later Claimtrail decision stands" if self.kept else "")
            + (
                f"; {sum(self.set_aside.values())} results of controls Claimtrail does not import set aside "
                f"({', '.join(f'{name} {n}' for name, n in sorted(self.set_aside.items()))})"
                if self.set_aside
                else ""
            )
        )


def load_export(path: str | Path) -> list[dict]:
    """Tasks from a JSON list, one JSON object, or JSONL (orjson: parsing is a third of a big load)."""
    text = Path(path).read_bytes()
    with no_gc():
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError as whole:
            if b"\n" not in text.strip():
                raise Refused([f"{path}: not JSON: {whole}"]) from None
            data = [_json_line(path, line, n) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    return data if isinstance(data, list) else [data]


def _json_line(path, line: bytes, n: int):
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as problem:
        raise Refused([f"{path}: line {n} is not JSON (neither is the whole file): {problem}"]) from None


def import_tasks(
    record,
    tasks: list[dict],
    config: LabelConfig | str | None = None,
    users: dict | None = None,
    add_documents: bool = False,
    actor: str = "cli",
    path: str = "label-studio.json",
    first: int = 1,
) -> ImportReport:
    """Check every task, then record its predictions and annotations as decisions.

    With `add_documents`, a task whose text the record lacks brings its document (ingested
    by `actor`, named after `path` as `claimtrail ingest` would name it): one pass over an
    export; without, such a task is refused. `first`: the number of the first task, when the
    tasks are a piece of a bigger export (jobs/pieces.py), so tasks are named as in the whole."""
    cfg = config if isinstance(config, LabelConfig) else parse(config)
    new = NewDocuments(path, first_task=first) if add_documents else None
    with no_gc():  # the tasks are big and live throughout: collections would rescan them (twice the time)
        try:
            with record.session() as session:
                sources, problems, report = plan(session, cfg, tasks, users or {}, new, first)
            if problems:
                raise Refused(problems)
            if new:
                report.document_ids, problems = new.add(record, actor)
                report.documents = len(report.document_ids)
                if problems:
                    raise Refused(problems)  # the documents added before stay: a second run takes them as they are
        finally:
            if new:
                new.close()
        sources.sort(key=lambda s: (0, s.actor, s.at) if s.kind == "prediction" else (1, s.at, s.evidence.get("annotation") or 0))
        for who, run in groupby(sources, key=lambda s: s.actor):
            with record.ledger.writer(who, ORIGIN) as writer:
                apply_run(writer, list(run), report)
    return report


def plan(
    session: Session, cfg: LabelConfig, tasks: list[dict], users: dict, new: NewDocuments | None = None, first: int = 1
) -> tuple[list[Source], list[str], ImportReport]:
    report, sources, problems = ImportReport(tasks=len(tasks)), [], []
    shas = [_sha(text) if isinstance(text := _data(task).get(TEXT), str) else None for task in tasks]
    documents = _documents(session, tasks, shas)
    if new is not None:  # the tasks whose text the record lacks, one per text: their documents are read ahead
        unread = {sha: n for n, sha in reversed(list(enumerate(shas))) if sha and ("sha", sha) not in documents}
        new.read_ahead(tasks, sorted(unread.values()))
    for n, task in enumerate(tasks):
        ref, problem = _task_ref(task, n, documents, new, shas[n], first)
        if problem:
            problems.append(problem)
            continue
        predictions, found = _predictions(cfg, task, ref, problems)
        report.predictions += len(predictions)
        sources += predictions
        for annotation in task.get("annotations") or []:
            if not isinstance(annotation, dict):
                continue  # an id only: nothing to read
            if annotation.get("was_cancelled"):
                report.cancelled += 1
                continue
            report.annotations += 1
            source = _annotation(cfg, annotation, ref, found, users, problems)
            if source:
                sources.append(source)
    for source in sources:
        report.set_aside.update(source.checked.set_aside)
    return sources, problems, report


def _data(task) -> dict:
    """A task's data: its "data" object, or the task itself (Label Studio's shorthand)."""
    if not isinstance(task, dict):
        return {}
    return task["data"] if isinstance(task.get("data"), dict) else task


def _task_ref(task, n: int, documents: dict, new: NewDocuments | None = None, sha: str | None = None, first: int = 1) -> tuple[TaskRef | None, str | None]:
    """The n-th task (from 0) as a reference to its document; `first`: the number the list's first task has."""
    if not isinstance(task, dict):
        return None, f"task #{n + first}: not a JSON object"
    name = f"task {task['id']}" if task.get("id") is not None else f"task #{n + first}"
    data = task.get("data") if isinstance(task.get("data"), dict) else task
    text = data.get(TEXT)
    if not isinstance(text, str):
        return None, f"{name}: data has no {TEXT!r} string"
    sha = sha or _sha(text)
    doc = documents.get(("id", data.get("doc_id")))
    if doc is None or doc.sha256 != sha:  # the text decides which document it is
        doc = documents.get(("sha", sha))
    if doc is None and new is not None:
        ref = TaskRef(name, task.get("id"), task.get("project"), 0, text, None)
        return ref, new.take(task, n, ref, sha)
    if doc is None:
        return None, f"{name}: its text is not a document of this record (doc_id {data.get('doc_id')!r})"
    return TaskRef(name, task.get("id"), task.get("project"), doc.id, text, doc.published), None


def _predictions(cfg, task: dict, ref: TaskRef, problems: list) -> tuple[list[Source], dict]:
    """The task's full predictions (and those embedded in its annotations), each once."""
    found, sources = {}, []
    embedded = [a.get("prediction") for a in task.get("annotations") or [] if isinstance(a, dict)]
    for k, pred in enumerate([*(task.get("predictions") or []), *embedded]):
        if not isinstance(pred, dict) or "result" not in pred:
            continue  # ids only (the sync JSON export)
        pid = pred.get("id", f"#{k + 1}")
        if pid in found:
            continue
        where = f"{ref.name}, prediction {pid} ({pred.get('model_version') or 'no model_version'})"
        checked, errors = check_result(cfg, ref.text, pred["result"], where)
        score = pred.get("score")
        if score is not None and not (isinstance(score, (int, float)) and 0 <= score <= 1):
            errors.append(f"{where}: score {score!r} is not within 0..1")
        problems += errors
        found[pid] = checked
        evidence = _compact(
            {
                "task": ref.id,
                "project": ref.project,
                "prediction": pred.get("id"),
                "model_version": pred.get("model_version"),
                "created_at": pred.get("created_at"),
            }
        )
        actor = pred.get("model_version") or "label-studio-model"
        sources.append(Source(ref, "prediction", actor, str(pred.get("created_at") or ""), checked, evidence))
    return sources, found


def _annotation(cfg, annotation: dict, ref: TaskRef, predictions: dict, users: dict, problems: list) -> Source | None:
    aid = annotation.get("id")
    where = f"{ref.name}, annotation {aid if aid is not None else '(no id)'}"
    checked, errors = check_result(cfg, ref.text, annotation.get("result"), where)
    if errors:
        problems += errors
        return None
    who = annotation.get("completed_by")
    user_id = who.get("id") if isinstance(who, dict) else who
    at = str(annotation.get("updated_at") or annotation.get("created_at") or "")
    evidence = _compact(
        {
            "task": ref.id,
            "project": ref.project,
            "annotation": aid,
            "completed_by": user_id,
            "created_at": annotation.get("created_at"),
            "updated_at": annotation.get("updated_at"),
            "lead_time": annotation.get("lead_time"),
            "parent_prediction": annotation.get("parent_prediction"),
        }
    )
    parent = predictions.get(annotation.get("parent_prediction"))
    return Source(ref, "annotation", actor_name(who, users), at, checked, evidence, parent, _key(ref, aid, at, annotation))


def actor_name(who, users: dict) -> str:
    """The Label Studio user as our actor: email, else name, else their numeric id."""
    if isinstance(who, dict):
        name = " ".join(filter(None, [who.get("first_name"), who.get("last_name")]))
        return who.get("email") or who.get("username") or name or f"label-studio-user-{who.get('id')}"
    if who is None:
        return "label-studio"
    return users.get(who) or users.get(str(who)) or f"label-studio-user-{who}"


def _key(ref: TaskRef, aid, at: str, annotation: dict) -> str:
    if aid is not None:
        return f"label-studio:{ref.project}:{aid}:{at}"
    content = hashlib.sha256(json.dumps(annotation.get("result"), sort_keys=True).encode()).hexdigest()[:32]
    return f"label-studio:doc{ref.doc_id}:{content}"


def _documents(session: Session, tasks: list, task_shas: list) -> dict:
    """The documents the tasks name (by doc_id) or contain (by text hash, `task_shas`), in few queries."""
    ids, shas = set(), {sha for sha in task_shas if sha}
    for task in tasks:
        data = task.get("data", task) if isinstance(task, dict) else {}
        if isinstance(data, dict) and isinstance(data.get("doc_id"), int):
            ids.add(data["doc_id"])
    found, conn, table = {}, session.connection(), Document.__table__
    columns = (table.c.id, table.c.sha256, table.c.published)
    ids, shas = sorted(ids), sorted(shas)
    for i in range(0, len(ids), CHUNK):
        for doc in conn.execute(select(*columns).where(table.c.id.in_(ids[i : i + CHUNK]))):
            found[("id", doc.id)] = doc
    known = {d.sha256 for d in found.values()}
    shas = [s for s in shas if s not in known]  # tasks whose doc_id is missing or names another text
    for i in range(0, len(shas), CHUNK):
        for doc in conn.execute(select(*columns).where(table.c.sha256.in_(shas[i : i + CHUNK]))):
            found[("id", doc.id)] = doc
    for doc in sorted(found.values(), key=lambda d: -d.id):  # the newest document with a text wins
        found.setdefault(("sha", doc.sha256), doc)
    return found


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _compact(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}
