"""A big JSONL file in a job, cut into pieces of whole lines: each piece is a file row of its
own, read and ingested by its own task, so two workers share one big file and its progress
shows as its pieces finish. A piece keeps the file's name and knows the number of its first
line, so its records are named (`quays.jsonl#4211`) and its errors placed as in the whole file.

Bytes (`ingest --background`) are cut in memory; a file spooled to disk (an upload) is cut
into files beside it, a chunk at a time, and then removed.
"""

from collections.abc import Iterator
from pathlib import Path

from annotate.ingest import limits

PIECE_BYTES = 256 * 1024  # 20 reports of 12 kB or 200 of 1.2 kB: seconds of one worker's time each
CHUNK = 1 << 20


def to_cut(name: str, size: int) -> bool:
    """Whether a file of this name and size goes to a job in pieces: a JSONL file over PIECE_BYTES."""
    return limits.file_bytes(name) is None and size > PIECE_BYTES


def cut_bytes(data: bytes) -> Iterator[tuple[bytes, int]]:
    """(piece, number of its first line), in order."""
    start, line = 0, 1
    while start < len(data):
        end = data.find(b"\n", start + PIECE_BYTES - 1)
        end = len(data) if end < 0 else end + 1
        yield data[start:end], line
        line += data.count(b"\n", start, end)
        start = end


def cut_file(path: Path) -> list[tuple[Path, int]]:
    """(piece's file, number of its first line), the pieces in folders beside the file
    (`piece-K/NAME`: the reader goes by the name); the whole file then goes."""
    cut, line = [], 1
    with path.open("rb") as whole:
        while head := whole.read(PIECE_BYTES):
            target = path.parent / f"piece-{len(cut) + 1}" / path.name
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
            cut.append((target, line))
            line += lines
    path.unlink()
    return cut
