"""Reading files on a second core while this process writes their documents.

Reading a report costs more than writing it: parsing, guessing its title, publisher and date,
hashing its paragraphs and finding its banner lines take about 0.3 of the 0.55 ms a 5 kB JSONL
report costs, and none of it needs the database. When an ingest has several files and the
machine a core to spare, a forked process reads them a few files ahead, and this process
writes their documents in the order it would have read them: the same items, the same
decisions, and the ledger's serial append stays here. One big file is read here as before.

Forking copies nothing but the list of files; it is only done from a process with one thread
(a fork copies no other thread, nor the locks they hold). If the reading process dies, this
process reads the rest itself.
"""

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from annotate.ingest.boilerplate import banner_lines, paragraphs
from annotate.ingest.readers import read_path
from annotate.ingest.source import ReadError, SourceDocument

MIN_BYTES = 4 << 20  # below this the fork costs more than it saves
AHEAD_BYTES = 64 << 20  # at most this much of the files read ahead and not yet written


def spare_core() -> bool:
    """Whether a forked reader can run beside this process: a second core, fork, and one thread here."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return cores > 1 and "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def read_files(files: Iterable[str | ReadError]) -> Iterator[SourceDocument | ReadError]:
    """The documents of these files (and the ReadErrors given among them), in order: read ahead in
    another process when that can help, else here. The reading process starts now, before any
    thread the caller starts next (a progress bar's)."""
    files = list(files)
    sizes = {f: _size(f) for f in files if isinstance(f, str)}
    if len(sizes) < 2 or sum(sizes.values()) < MIN_BYTES or not spare_core():
        return _here(files)
    return _ReadAhead(files, sizes).items()


class _ReadAhead:
    def __init__(self, files: list, sizes: dict[str, int]):
        self.files, self.sizes = files, sizes
        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
        self.pending: deque[tuple[int, Future | None]] = deque()  # (place in files, its reading)
        self.next, self.queued = 0, 0
        self._fill()  # the first submit forks

    def _fill(self) -> None:
        """Files handed to the reader until AHEAD_BYTES of them wait (always at least one)."""
        while self.next < len(self.files) and (not self.pending or self.queued < AHEAD_BYTES):
            f = self.files[self.next]
            self.pending.append((self.next, self.pool.submit(_read, f) if isinstance(f, str) else None))
            self.queued += self.sizes.get(f, 0) if isinstance(f, str) else 0
            self.next += 1

    def items(self) -> Iterator[SourceDocument | ReadError]:
        try:
            while self.pending:
                place, future = self.pending.popleft()
                f = self.files[place]
                if future is None:
                    yield f  # a ReadError of the path expansion, in its place
                    continue
                self.queued -= self.sizes.get(f, 0)
                try:
                    found = future.result()
                except Exception:  # the reader died (killed, out of memory): read the rest here
                    yield from _here(self.files[place:])
                    return
                self._fill()
                yield from found
        finally:  # waits for the file being read, if any: the next ingest in this process finds one thread again
            self.pool.shutdown(wait=True, cancel_futures=True)


def _here(files: list) -> Iterator[SourceDocument | ReadError]:
    for f in files:
        if isinstance(f, ReadError):
            yield f
        else:
            yield from read_path(f)


def _read(path: str) -> list[SourceDocument | ReadError]:
    """In the forked process: one file's items as read_path gives them, with what writing them needs
    besides (paragraph hashes, banner lines, the text's hash)."""
    from annotate.ingest.pipeline import sha256_text  # the pipeline imports this module

    items = list(read_path(path))
    for item in items:
        if isinstance(item, SourceDocument):
            item.paragraphs, item.banners, item.sha256 = paragraphs(item.text), banner_lines(item.text), item.sha256 or sha256_text(item.text)
    return items


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # read_path names the problem
