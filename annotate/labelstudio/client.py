"""Syncing with a running Label Studio server through label-studio-sdk (the optional extra).

push: sets up the project (ours by title, or the one given, whose config must have our
labels) and imports, a page at a time, the documents it does not have yet (matched by
`data.doc_id` and the text's `sha256`), with our candidates as predictions.
pull: reads the project's tasks a page at a time, with annotations and full predictions,
and imports them (`importer.import_tasks`), user ids resolved to their emails.
Both can be run again: push skips documents already there, pull skips what it imported.
"""

from dataclasses import dataclass
from itertools import islice

from annotate.labelstudio import SdkMissing
from annotate.labelstudio.config import build_config, parse
from annotate.labelstudio.importer import ImportReport, import_tasks

PROJECT_TITLE = "Claimtrail"
TIMEOUT = 3600  # the SDK's default of 60 s is too short for large imports and exports


@dataclass
class PushReport:
    project: int
    created: bool  # a new project was made
    pushed: int  # tasks imported now
    present: int  # documents the project already had
    pages: int


def connect(url: str, token: str, timeout: float = TIMEOUT):
    try:
        from label_studio_sdk import LabelStudio
    except ImportError:
        raise SdkMissing("talking to a Label Studio server") from None
    return LabelStudio(base_url=url, api_key=token, timeout=timeout)


def push(record, url: str, token: str, project: int | None = None, page_size: int = 1000, client=None, **task_filters) -> PushReport:
    """Import into the project the documents it lacks, as tasks with our candidates as predictions."""
    from exports.labelstudio import tasks

    client = client or connect(url, token)
    pid, created = _project(client, project)
    present = set() if created else pushed_documents(client, pid, page_size)
    pushed = pages = 0
    with record.session() as session:
        fresh = (t for t in tasks(session, **task_filters) if (t["data"]["doc_id"], t["data"]["sha256"]) not in present)
        while page := list(islice(fresh, page_size)):
            client.projects.import_tasks(id=pid, request=page)
            pushed, pages = pushed + len(page), pages + 1
    return PushReport(pid, created, pushed, len(present), pages)


def pull(record, url: str, token: str, project: int, page_size: int = 100, client=None) -> ImportReport:
    """Import the project's annotations and predictions as decisions by their Label Studio users."""
    client = client or connect(url, token)
    config = client.projects.get(id=project).label_config
    users = {u.id: u.email or u.username or f"label-studio-user-{u.id}" for u in client.users.list()}
    pager = client.tasks.list(project=project, page_size=page_size, fields="all")  # iterating walks every page
    return import_tasks(record, [t.model_dump(mode="json") for t in pager], config=config, users=users)


def pushed_documents(client, project: int, page_size: int = 1000) -> set[tuple[int, str]]:
    """(doc_id, text sha256) of the project's tasks: the text too, as ids are only ours."""
    found = set()
    for t in client.tasks.list(project=project, page_size=page_size, fields="task_only"):
        data = t.data or {}
        found.add((data.get("doc_id"), data.get("sha256")))
    return found


def _project(client, project: int | None) -> tuple[int, bool]:
    """The given project (checked), else ours by title, else a new one."""
    if project is not None:
        found = client.projects.get(id=project)
        missing = config_gaps(found.label_config or "")
        if missing:
            raise ValueError(f"project {project}'s labeling config lacks {missing}; set it to `claimtrail labelstudio config`")
        return project, False
    for found in client.projects.list(title=PROJECT_TITLE):
        if found.title == PROJECT_TITLE:
            return found.id, False
    created = client.projects.create(title=PROJECT_TITLE, label_config=build_config(), description="Claims and entities from Claimtrail")
    return created.id, True


def config_gaps(xml: str) -> str:
    """What our labeling config has that this one lacks ("" when nothing)."""
    try:
        theirs = parse(xml)
    except ValueError as problem:
        return str(problem)
    ours, gaps = parse(build_config(use_sdk=False)), []
    for name, control in ours.controls.items():
        have = theirs.controls.get(name)
        lacking = set(control.values) - set(have.values) if have and have.type == control.type else control.values
        if lacking:
            gaps.append(f"{name!r} labels {', '.join(sorted(lacking))}")
    if set(ours.relations) - set(theirs.relations):
        gaps.append(f"relations {', '.join(sorted(set(ours.relations) - set(theirs.relations)))}")
    return "; ".join(gaps)
