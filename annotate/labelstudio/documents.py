"""Documents a Label Studio import brings with it (`import_tasks(..., add_documents=True)`).

A task whose text the record lacks becomes a document, read as `claimtrail ingest` reads a
task file (same metadata, same checks), so one pass over an export gives the documents and
their candidates. The task's predictions and annotations become decisions, so the
document's metadata keeps the task's other fields (id, project, meta…) but not them again.
Everything is checked before anything is written: a task that cannot be a document is a
problem of the import like any other, and refuses it whole.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from annotate.ingest.jsonrecords import task_document
from annotate.ingest.metadata import fill_missing
from annotate.ingest.pipeline import ingest_items
from annotate.ingest.source import RecordError, SourceDocument
from annotate.labelstudio import readahead
from annotate.labelstudio.readahead import ReadAhead
from annotate.labelstudio.sources import CHUNK, ORIGIN, TaskRef
from annotate.store.models import Document

RECORDED = ("predictions", "annotations", "drafts")  # decisions, or work in progress: not metadata


@dataclass
class NewDocuments:
    """The documents an import will add, by text hash (tasks with the same text share one)."""

    path: str  # the file the tasks came from, as ingest names it
    first_task: int = 1  # the number of the list's first task (a later piece of a big export: jobs/pieces.py)
    docs: dict[str, SourceDocument] = field(default_factory=dict)
    refs: list[tuple[TaskRef, str]] = field(default_factory=list)  # tasks waiting for their document (by text hash)
    first: dict[str, int] = field(default_factory=dict)  # text hash -> the task its document is read from
    ahead: ReadAhead | None = None  # title, publisher, date and paragraphs read in another process

    def read_ahead(self, tasks: list, indexes: list[int]) -> None:
        """Have another process read these tasks' documents' metadata while this one checks and writes."""
        if readahead.usable(len(indexes)):
            self.ahead = ReadAhead(tasks, indexes, self.path, RECORDED, self.first_task)

    def take(self, task: dict, n: int, ref: TaskRef, sha: str) -> str | None:
        """Note the task's document; a reason when the task cannot be one."""
        if sha not in self.docs:
            try:
                self.docs[sha] = task_document(task, n + self.first_task, self.path, RECORDED, infer=self.ahead is None)
                self.docs[sha].sha256 = sha  # hashed by the import already
            except RecordError as problem:
                where = f", field '{problem.field}'" if problem.field else ""
                return f"{ref.name}{where}: {problem.reason}"
            self.first[sha] = n
        self.refs.append((ref, sha))
        return None

    def _read(self) -> Iterator[SourceDocument]:
        """The documents, each with its guessed metadata: from the other process, else read here."""
        for sha, doc in self.docs.items():
            if self.ahead is not None and not self.ahead.fill(self.first[sha], doc):
                fill_missing(doc)
            yield doc

    def close(self) -> None:
        if self.ahead is not None:
            self.ahead.close()
            self.ahead = None

    def add(self, record, actor: str) -> tuple[list[int], list[str]]:
        """Ingest them (batches of one transaction each) and give every waiting task its document:
        (ids of the documents added, what the database refused: checked before, only it can refuse one now)."""
        if not self.docs:
            return [], []
        report = ingest_items(record.ledger, self._read(), actor, ORIGIN)
        with record.session() as session:
            ids = _ids(session, sorted(self.docs))
        for ref, sha in self.refs:
            ref.doc_id, ref.published = ids.get(sha, 0), self.docs[sha].published
        return report.added, [str(e) for e in report.errors]


def _ids(session: Session, shas: list[str]) -> dict[str, int]:
    """The newest document of each text hash."""
    found: dict[str, int] = {}
    table = Document.__table__
    for i in range(0, len(shas), CHUNK):
        for sha, doc_id in session.execute(select(table.c.sha256, table.c.id).where(table.c.sha256.in_(shas[i : i + CHUNK]))):
            found[sha] = max(doc_id, found.get(sha, 0))
    return found
