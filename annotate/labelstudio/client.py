"""Syncing with a running Label Studio server through label-studio-sdk (the optional extra).

push: sets up the project (ours by title, or the one given; labels and relations of ours
its config lacks are added, a config without our controls is refused) and imports, a
page at a time, the documents it does not have yet (matched by `data.doc_id` and the
text's `sha256`), with our candidates as predictions. A task already there gets our
current prediction again when it has a result item (span or relation) that the task's
predictions from the same model_version do not hold: candidates made later, by a newer
annotator version or a new pre-annotation run, reach the annotators; candidates that
were only reviewed away send nothing.
pull: reads the project's tasks a page at a time, with annotations and full predictions,
and imports them (`importer.import_tasks`), user ids resolved to their emails.
Both can be run again: a second push sends nothing, pull skips what it imported.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from annotate.labelstudio import SdkMissing
from annotate.labelstudio.config import add_missing, build_config
from annotate.labelstudio.importer import ImportReport, import_tasks

PROJECT_TITLE = "Claimtrail"
TIMEOUT = 3600  # the SDK's default of 60 s is too short for large imports and exports
ITEM_KEYS = ("id", "from_name", "to_name", "type", "value", "score", "from_id", "to_id", "direction", "labels")  # what we write


@dataclass
class PushReport:
    project: int
    created: bool  # a new project was made
    pushed: int  # tasks imported now
    present: int  # documents the project already had
    pages: int  # import requests, of tasks and of predictions
    updated: int = 0  # tasks already there that were sent a new prediction
    predictions: int = 0  # new predictions sent to them
    config_added: list[str] = field(default_factory=list)  # labels and relations added to the project's config

    def summary(self) -> str:
        made = "created" if self.created else "existing"
        added = f"; labeling config: added {', '.join(self.config_added)}" if self.config_added else ""
        return (
            f"project {self.project} ({made}): {self.pushed} tasks pushed, {self.predictions} new predictions on "
            f"{self.updated} tasks of the {self.present} documents already there, {self.pages} import requests{added}"
        )


def connect(url: str, token: str, timeout: float = TIMEOUT):
    try:
        from label_studio_sdk import LabelStudio
    except ImportError:
        raise SdkMissing("talking to a Label Studio server") from None
    return LabelStudio(base_url=url, api_key=token, timeout=timeout)


def push(record, url: str, token: str, project: int | None = None, page_size: int = 1000, client=None, **task_filters) -> PushReport:
    """Import the documents the project lacks as tasks, and new predictions for those it has."""
    from annotate.labelstudio.tasks import tasks

    client = client or connect(url, token)
    pid, created, added = _project(client, project)
    held = {} if created else held_results(client, pid, page_size)
    report = PushReport(pid, created, 0, len(held), 0, config_added=added)
    fresh, stale = [], []
    with record.session() as session:
        for task in tasks(session, **task_filters):
            tasks_there = held.get((task["data"]["doc_id"], task["data"]["sha256"]))
            if tasks_there is None:
                fresh.append(task)
            else:
                stale += _new_predictions(task, tasks_there, report)
            _send(client, pid, fresh, stale, page_size, report)
    _send(client, pid, fresh, stale, page_size, report, final=True)
    return report


def _new_predictions(task: dict, tasks_there: dict[int, dict[str, set]], report: PushReport) -> list[dict]:
    """Our predictions a task already in the project should get: those with items it lacks."""
    found = []
    for task_id, held in tasks_there.items():
        sent = [{"task": task_id, **p} for p in task["predictions"] if _has_new_items(p, held)]
        report.updated += bool(sent)
        found += sent
    return found


def _has_new_items(prediction: dict, held: dict[str, set]) -> bool:
    mine = {item_key(r) for r in prediction["result"]}
    return not mine <= held.get(prediction["model_version"], set())


def _send(client, pid: int, fresh: list, stale: list, page_size: int, report: PushReport, final: bool = False) -> None:
    """Import the full pages of new tasks and new predictions (at the end, what is left)."""
    for page in _pages(fresh, page_size, final):
        client.projects.import_tasks(id=pid, request=page)
        report.pushed, report.pages = report.pushed + len(page), report.pages + 1
    for page in _pages(stale, page_size, final):
        answer = client.projects.import_predictions(id=pid, request=page)
        if answer.created != len(page):  # the server drops a prediction it cannot read, without saying which
            raise ValueError(f"Label Studio took {answer.created} of {len(page)} predictions for tasks {_ids(page)}")
        report.predictions, report.pages = report.predictions + len(page), report.pages + 1


def _pages(pending: list, size: int, final: bool) -> Iterator[list]:
    """Full pages taken off `pending`; with `final`, whatever is left too."""
    while len(pending) >= size or (final and pending):
        page, pending[:] = pending[:size], pending[size:]
        yield page


def pull(record, url: str, token: str, project: int, page_size: int = 100, client=None) -> ImportReport:
    """Import the project's annotations and predictions as decisions by their Label Studio users."""
    client = client or connect(url, token)
    config = client.projects.get(id=project).label_config
    users = {u.id: u.email or u.username or f"label-studio-user-{u.id}" for u in client.users.list()}
    pager = client.tasks.list(project=project, page_size=page_size, fields="all")  # iterating walks every page
    return import_tasks(record, [t.model_dump(mode="json") for t in pager], config=config, users=users)


def held_results(client, project: int, page_size: int = 1000) -> dict[tuple, dict[int, dict[str, set]]]:
    """What the project holds, by (doc_id, text sha256): per task, the result items of its
    predictions by model_version. The text too, as doc ids are only ours."""
    found: dict[tuple, dict[int, dict[str, set]]] = {}
    for t in client.tasks.list(project=project, page_size=page_size, fields="all"):  # iterating walks every page
        data = t.data or {}
        if data.get("doc_id") is None:
            continue  # not a task of ours
        items = found.setdefault((data.get("doc_id"), data.get("sha256")), {}).setdefault(t.id, {})
        for p in t.predictions or []:
            p = p if isinstance(p, dict) else p.model_dump(mode="json")
            items.setdefault(p.get("model_version") or "", set()).update(item_key(r) for r in p.get("result") or [])
    return found


def item_key(item: dict) -> str:
    """A result item as we wrote it (keys Label Studio may add left out), for comparing."""
    return hashlib.sha256(json.dumps({k: item[k] for k in ITEM_KEYS if k in item}, sort_keys=True).encode()).hexdigest()[:32]


def _ids(page: list[dict]) -> str:
    ids = sorted({p["task"] for p in page})
    return ", ".join(map(str, ids[:10])) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")


def _project(client, project: int | None) -> tuple[int, bool, list[str]]:
    """The given project, else ours by title, else a new one; with what its config had to be given."""
    if project is None:
        found = next((p for p in client.projects.list(title=PROJECT_TITLE) if p.title == PROJECT_TITLE), None)
        if found is None:
            made = client.projects.create(title=PROJECT_TITLE, label_config=build_config(), description="Claims and entities from Claimtrail")
            return made.id, True, []
        project = found.id
    return project, False, _complete_config(client, project)


def _complete_config(client, project: int) -> list[str]:
    """Add the labels and relations of ours the project's config lacks (a project set up
    before they existed); refuse one without our controls."""
    config = client.projects.get(id=project).label_config or ""
    try:
        xml, added, lacking = add_missing(config)
    except ValueError as problem:
        lacking = [str(problem)]
    if lacking:
        raise ValueError(f"project {project}'s labeling config lacks {', '.join(lacking)}; set it to `claimtrail labelstudio config`")
    if added:
        client.projects.update(id=project, label_config=xml)
    return added
