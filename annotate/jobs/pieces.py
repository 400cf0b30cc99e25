"""A big JSONL file in a job, cut into pieces of whole lines: each piece is a file row of its
own, read and ingested by its own task, so two workers share one big file and its progress
shows as its pieces finish. A piece keeps the file's name and knows the number of its first
line, so its records are named (`quays.jsonl#4211`) and its errors placed as in the whole file.

Bytes (`ingest --background`) are cut in memory; a file spooled to disk (an upload) is cut
into files beside it, a chunk at a time, and then removed.
"""

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from annotate.ingest import limits

if TYPE_CHECKING:
    from annotate.jobs.intake import Incoming

PIECE_BYTES = 256 * 1024  # 20 reports of 12 kB or 200 of 1.2 kB: seconds of one worker's time each
CHUNK = 1 << 20


def pieces(item: "Incoming") -> list["Incoming"]:
    """The item itself, or, for a JSONL file over PIECE_BYTES, its pieces (first_line set on each)."""
    if not item.accepted or limits.file_bytes(item.name) is not None or item.size <= PIECE_BYTES:
        return [item]
    if item.data is not None:
        return [replace(item, data=data, first_line=first) for data, first in _cut(item.data)]
    whole = Path(item.path)  # type: ignore[arg-type]
    cut = [replace(item, path=str(path), first_line=first) for path, first in _cut_file(whole)]
    whole.unlink()  # its pieces hold it now
    return cut


def _cut(data: bytes) -> Iterator[tuple[bytes, int]]:
    start, line = 0, 1
    while start < len(data):
        end = data.find(b"\n", start + PIECE_BYTES - 1)
        end = len(data) if end < 0 else end + 1
        yield data[start:end], line
        line += data.count(b"\n", start, end)
        start = end


def _cut_file(path: Path) -> Iterator[tuple[Path, int]]:
    """Pieces as files in folders beside the spooled file (`piece-K/NAME`: the reader goes by the name)."""
    line, k = 1, 0
    with path.open("rb") as whole:
        while True:
            head = whole.read(PIECE_BYTES)
            if not head:
                return
            k += 1
            target = path.parent / f"piece-{k}" / path.name
            target.parent.mkdir()
            with target.open("wb") as out:
                out.write(head)
                lines = head.count(b"\n")
                while not head.endswith(b"\n"):  # on to the end of the line, never holding more than a chunk
                    head = whole.readline(CHUNK)
                    if not head:
                        break
                    out.write(head)
                    lines += head.count(b"\n")
            yield target, line
            line += lines
