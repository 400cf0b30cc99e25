"""Documents a Label Studio import brings with it (`import_tasks(..., add_documents=True)`).

A task whose text the record lacks becomes a document, read as `claimtrail ingest` reads a
task file (same metadata, same checks), so one pass over an export gives the documents and
their candidates. The task's predictions and annotations become decisions, so the
document's metadata keeps the task's other fields (id, project, meta…) but not them again.
Everything is checked before anything is written: a task that cannot be a document is a
problem of the import like any other, and refuses it whole.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from annotate.ingest.jsonrecords import task_document
from annotate.ingest.pipeline import ingest_items, sha256_text
from annotate.ingest.source import RecordError, SourceDocument
from annotate.labelstudio.sources import CHUNK, ORIGIN, TaskRef
from annotate.store.models import Document

RECORDED = ("predictions", "annotations", "drafts")  # decisions, or work in progress: not metadata


@dataclass
class NewDocuments:
    """The documents an import will add, by text hash (tasks with the same text share one)."""

    path: str  # the file the tasks came from, as ingest names it
    docs: dict[str, SourceDocument] = field(default_factory=dict)
    refs: list[TaskRef] = field(default_factory=list)  # tasks waiting for their document's id

    def take(self, task: dict, n: int, ref: TaskRef, sha: str) -> str | None:
        """Note the task's document; a reason when the task cannot be one."""
        if sha not in self.docs:
            try:
                self.docs[sha] = task_document(task, n + 1, self.path, RECORDED)
            except RecordError as problem:
                where = f", field '{problem.field}'" if problem.field else ""
                return f"{ref.name}{where}: {problem.reason}"
        ref.published = self.docs[sha].published
        self.refs.append(ref)
        return None

    def add(self, record, actor: str) -> tuple[int, list[str]]:
        """Ingest them (batches of one transaction each) and give every waiting task its document:
        (documents added, what the database refused: checked before, only it can refuse one now)."""
        if not self.docs:
            return 0, []
        report = ingest_items(record.ledger, self.docs.values(), actor, ORIGIN)
        with record.session() as session:
            ids = _ids(session, sorted(self.docs))
        for ref in self.refs:
            ref.doc_id = ids.get(sha256_text(ref.text), 0)
        return len(report.added), [str(e) for e in report.errors]


def _ids(session: Session, shas: list[str]) -> dict[str, int]:
    """The newest document of each text hash."""
    found: dict[str, int] = {}
    table = Document.__table__
    for i in range(0, len(shas), CHUNK):
        for sha, doc_id in session.execute(select(table.c.sha256, table.c.id).where(table.c.sha256.in_(shas[i : i + CHUNK]))):
            found[sha] = max(doc_id, found.get(sha, 0))
    return found
