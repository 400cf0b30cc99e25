"""Reading files on a second core while this process writes their documents.

Reading a report costs more than writing it: parsing, guessing its title, publisher and date,
hashing its text and paragraphs and finding its banner lines take about 0.3 of the 0.5 ms a
5 kB JSONL report costs, and none of it needs the database. When an ingest has 4 MB or more
and the machine a core to spare, a forked process reads the files a few ahead (a big JSONL
file in pieces of whole lines), and this process writes their documents in the order it
would have read them: the same items, the same decisions, and the ledger's serial append
stays here.

Forking copies nothing but the list of files; it is only done from a process with one thread
(a fork copies no other thread, nor the locks they hold). If the reading process dies, this
process reads the rest itself.
"""

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from annotate.ingest import limits
from annotate.ingest.boilerplate import banner_lines, paragraphs
from annotate.ingest.jsonrecords import line_pieces, read_jsonl
from annotate.ingest.readers import read_path
from annotate.ingest.source import ReadError, RecordError, SourceDocument, sha256_text
from annotate.ingest.textfile import check_not_binary
from annotate.store.parallel import spare_core

MIN_BYTES = 4 << 20  # below this the fork costs more than it saves
PIECE_BYTES = 2 << 20  # a big JSONL file is read in pieces of about this size
AHEAD_BYTES = 64 << 20  # at most this much read ahead and not yet written

Work = tuple[str, tuple[int, int, int] | None] | ReadError  # a file, or a piece of one (read_jsonl's part); or an error in its place


def read_files(files: Iterable[str | ReadError]) -> Iterator[SourceDocument | ReadError]:
    """The documents of these files (and the ReadErrors given among them), in order: read ahead in
    another process when that can help, else here. The reading process starts now, before any
    thread the caller starts next (a progress bar's)."""
    work = [piece for f in files for piece in _pieces(f)]
    size = sum(_size(w) for w in work)
    if len(work) < 2 or size < MIN_BYTES or not spare_core():
        return _here(work)
    return _ReadAhead(work).items()


class _ReadAhead:
    def __init__(self, work: list[Work]):
        self.work = work
        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
        self.pending: deque[tuple[int, Future | None]] = deque()  # (place in work, its reading)
        self.next, self.queued = 0, 0
        self._fill()  # the first submit forks

    def _fill(self) -> None:
        """Work handed to the reader until AHEAD_BYTES of it waits (always at least one piece)."""
        while self.next < len(self.work) and (not self.pending or self.queued < AHEAD_BYTES):
            w = self.work[self.next]
            self.pending.append((self.next, None if isinstance(w, ReadError) else self.pool.submit(_read, w)))
            self.queued += _size(w)
            self.next += 1

    def items(self) -> Iterator[SourceDocument | ReadError]:
        try:
            while self.pending:
                place, future = self.pending.popleft()
                w = self.work[place]
                self.queued -= _size(w)
                if future is None:  # a ReadError of the path expansion, in its place
                    yield from _here([w])
                    continue
                try:
                    found = future.result()
                except Exception:  # the reader died (killed, out of memory): read the rest here
                    yield from _here(self.work[place:])
                    return
                self._fill()
                yield from found
        finally:  # waits for the piece being read, if any: the next ingest in this process finds one thread again
            self.pool.shutdown(wait=True, cancel_futures=True)


def _pieces(f: str | ReadError) -> list[Work]:
    """A file as one piece of work, or a big JSONL file as pieces of whole lines, found by one
    streaming pass (constant memory, whatever the file's size: its limit is per record)."""
    if isinstance(f, ReadError):
        return [f]
    whole: list[Work] = [(f, None)]
    if not f.lower().endswith(".jsonl") or _size(whole[0]) <= 2 * PIECE_BYTES:
        return whole
    try:
        with open(f, "rb") as file:
            check_not_binary(file.read(limits.SNIFF_BYTES))
            file.seek(0)
            found = list(line_pieces(file, PIECE_BYTES))
    except (OSError, RecordError):
        return whole  # read whole, the reader names the problem
    if not any(anything for *_, anything in found):
        return whole  # blank throughout: the reader says so
    return [(f, (start, stop, line)) for start, stop, line, _ in found]


def _here(work: list[Work]) -> Iterator[SourceDocument | ReadError]:
    for w in work:
        if isinstance(w, ReadError):
            yield w
        else:
            yield from _items(*w)


def _items(path: str, part: tuple[int, int, int] | None) -> Iterator[SourceDocument | ReadError]:
    return read_path(path) if part is None else _part(path, part)


def _part(path: str, part: tuple[int, int, int]) -> Iterator[SourceDocument | ReadError]:
    try:
        yield from read_jsonl(path, part)
    except OSError as e:  # as read_path says it
        yield ReadError(path, f"cannot read: {e.strerror or e}")
    except Exception as e:  # a reader bug must cost one piece, not the batch
        yield ReadError(path, f"unexpected error while reading: {type(e).__name__}: {e}")


def _read(work: tuple[str, tuple[int, int, int] | None]) -> list[SourceDocument | ReadError]:
    """In the forked process: one piece's items as reading here gives them, with what writing them
    needs besides (paragraph hashes, banner lines, the text's hash)."""
    items = list(_items(*work))
    for item in items:
        if isinstance(item, SourceDocument):
            item.paragraphs, item.banners, item.sha256 = paragraphs(item.text), banner_lines(item.text), item.sha256 or sha256_text(item.text)
    return items


def _size(w: Work) -> int:
    if isinstance(w, ReadError):
        return 0
    path, part = w
    if part is not None:
        return part[1] - part[0]
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # read_path names the problem
