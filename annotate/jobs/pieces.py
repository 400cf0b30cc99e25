"""A big JSONL file in a job, cut into pieces of whole lines: each piece is a file row of its
own, read and ingested by its own task, so two workers share one big file and its progress
shows as its pieces finish. A piece keeps the file's name and knows the number of its first
line, so its records are named (`quays.jsonl#4211`) and its errors placed as in the whole file.

Bytes (`ingest --background`) are cut in memory; a file spooled to disk (an upload) is cut
into files beside it, a chunk at a time, and then removed.
"""

import io
from collections.abc import Iterator
from pathlib import Path

from annotate.ingest import limits
from annotate.ingest.jsonrecords import line_pieces

PIECE_BYTES = 256 * 1024  # 20 reports of 12 kB or 200 of 1.2 kB: seconds of one worker's time each
CHUNK = 1 << 20


def to_cut(name: str, size: int) -> bool:
    """Whether a file of this name and size goes to a job in pieces: a JSONL file over PIECE_BYTES."""
    return limits.file_bytes(name) is None and size > PIECE_BYTES


def cut_bytes(data: bytes) -> Iterator[tuple[bytes, int]]:
    """(piece, number of its first line), in order."""
    for start, stop, line, _ in line_pieces(io.BytesIO(data), PIECE_BYTES):
        yield data[start:stop], line


def cut_file(path: Path) -> list[tuple[Path, int]]:
    """(piece's file, number of its first line), the pieces in folders beside the file
    (`piece-K/NAME`: the reader goes by the name), copied a chunk at a time; the whole file then goes."""
    cut = []
    with path.open("rb") as whole:
        for k, (start, stop, line, _) in enumerate(list(line_pieces(whole, PIECE_BYTES)), 1):
            target = path.parent / f"piece-{k}" / path.name
            target.parent.mkdir()
            whole.seek(start)
            with target.open("wb") as out:
                left = stop - start
                while left and (chunk := whole.read(min(CHUNK, left))):
                    out.write(chunk)
                    left -= len(chunk)
            cut.append((target, line))
    path.unlink()
    return cut
