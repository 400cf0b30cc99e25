"""Reading the new documents of a big Label Studio import on a second core.

Guessing a document's title, publisher and date, hashing its paragraphs and finding its
banner lines is most of what a new document costs before it is written, and none of it
needs the database. On a machine with a core to spare, a forked process does it for the tasks whose text the
record lacks, in chunks, while this process checks every task and then writes documents
and decisions: the writing (the ledger's serial append) stays here, in order, and takes
each chunk's results as it gets to them. The process runs `task_document` itself, so a
document is read exactly as without it.

Forking copies the parsed tasks for free (no pickling of the texts); it is only done from
a process with one thread (a fork copies no other thread, nor the locks they hold).
"""

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor

from annotate.ingest.boilerplate import banner_lines, paragraphs
from annotate.ingest.jsonrecords import task_document
from annotate.ingest.source import RecordError, SourceDocument
from annotate.store.parallel import spare_core

MIN_TASKS = 2000  # below this the fork costs more than it saves
CHUNK = 250  # tasks per piece of work: the writer waits at most for one

_TASKS: list = []  # the import's tasks, as the forked process inherits them


def usable(count: int) -> bool:
    """Whether reading ahead can help: many tasks, a second core, fork, and one thread here."""
    return count >= MIN_TASKS and spare_core()


class ReadAhead:
    """Metadata and paragraphs of chosen tasks (by index), computed in a forked process."""

    def __init__(self, tasks: list, indexes: list[int], path: str, recorded: tuple[str, ...], first: int = 1):
        global _TASKS
        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
        self.chunk_of: dict[int, Future] = {}
        self.place: dict[int, int] = {}
        _TASKS = tasks  # the first submit forks: the child inherits them
        try:
            for i in range(0, len(indexes), CHUNK):
                part = indexes[i : i + CHUNK]
                future = self.pool.submit(_read, part, path, recorded, first)
                for k, n in enumerate(part):
                    self.chunk_of[n], self.place[n] = future, k
        finally:
            _TASKS = []  # this process keeps no second reference

    def fill(self, n: int, doc: SourceDocument) -> bool:
        """Give the document of task n what the other process read; False if it did not read it."""
        future = self.chunk_of.get(n)
        try:
            found = future.result()[self.place[n]] if future else None
        except Exception:  # the helper died (killed, out of memory): this process reads the document itself
            return False
        if found is None:
            return False
        doc.title, doc.publisher, doc.published, doc.inferred, doc.paragraphs, doc.banners = found
        return True

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _read(indexes: list[int], path: str, recorded: tuple[str, ...], first: int) -> list[tuple | None]:
    """In the forked process: each task's document as ingest reads it, the parts the writer needs
    (`first`: the number of the list's first task)."""
    found: list[tuple | None] = []
    for n in indexes:
        try:
            doc = task_document(_TASKS[n], n + first, path, recorded)
        except RecordError:
            found.append(None)  # the writer's own reading says why
            continue
        found.append((doc.title, doc.publisher, doc.published, doc.inferred, paragraphs(doc.text), banner_lines(doc.text)))
    return found
