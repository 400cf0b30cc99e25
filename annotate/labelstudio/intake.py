"""Label Studio exports among the files given to `claimtrail ingest` or an upload.

A task list whose tasks carry predictions or annotations goes in the way `labelstudio
import --add-documents` takes it, in one pass: its documents, and its predictions and
annotations as decisions (otherwise ingest would keep them only as document metadata).
The export is checked whole first, as that import checks it: one problem refuses the
file, naming the task. In a job, an export over 1 MB comes as pieces (jobs/pieces.py), each
checked and imported on its own: a problem refuses its piece. Any other .json file is read
by ingest as before.
"""

from dataclasses import dataclass, field

import orjson

from annotate.ingest.pipeline import sha256_text
from annotate.ingest.source import RecordError
from annotate.ingest.textfile import read_bytes
from annotate.labelstudio.importer import ImportReport, Refused, import_tasks


@dataclass
class ExportOutcome:
    """What one export brought: its tasks' documents (ids by text), or why it was refused."""

    tasks: int
    report: ImportReport | None = None
    problems: list[str] = field(default_factory=list)
    shas: list[str] = field(default_factory=list)  # the tasks' texts, to find their documents


def predicted_tasks(path: str) -> list[dict] | None:
    """The tasks of a Label Studio export with predictions or annotations; None for any
    other file (or one that cannot be read here: ingest's reader then says why)."""
    if not path.lower().endswith(".json"):
        return None
    try:
        data = orjson.loads(read_bytes(path))
    except (OSError, RecordError, orjson.JSONDecodeError):
        return None
    tasks = data if isinstance(data, list) else [data]
    if not tasks or not all(isinstance(t, dict) for t in tasks):
        return None
    return tasks if any(_has_results(t) for t in tasks) else None


def _has_results(task: dict) -> bool:
    given = [*(task.get("predictions") or []), *(task.get("annotations") or [])]
    return any(isinstance(p, dict) and "result" in p for p in given)


def import_export(record, tasks: list[dict], actor: str, path: str, first: int = 1) -> ExportOutcome:
    """The export in one pass, its documents named after `path` as ingest names them; `first`:
    the number of its first task, when it is a piece of a bigger export (jobs/pieces.py)."""
    outcome = ExportOutcome(len(tasks), shas=[sha256_text(t["data"]["text"]) for t in tasks if _text(t)])
    try:
        outcome.report = import_tasks(record, tasks, add_documents=True, actor=actor, path=path, first=first)
    except Refused as refused:
        outcome.problems = refused.problems
    return outcome


def _text(task: dict) -> bool:
    return isinstance(task.get("data"), dict) and isinstance(task["data"].get("text"), str)
