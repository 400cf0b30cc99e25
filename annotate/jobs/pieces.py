"""A big JSONL file or JSON task list in a job, cut into pieces: each piece is a file row of its
own, read and ingested by its own task, so two workers share one big file, none holds it
whole, and its progress shows as its pieces finish.

A JSONL file is cut at line ends; a piece knows the number of its first line. A JSON list (a
Label Studio export, say) is cut between its tasks, found by a scan that parses nothing
(`jsonrecords.array_pieces`); a piece is a list of whole tasks, their bytes as they were, and
knows the number of its first task. Either way a piece keeps the file's name, so its records
are named (`quays.jsonl#4211`, `export.json#4211`) and its errors placed as in the whole file.
A Label Studio export's predictions and annotations are checked and imported piece by piece:
a problem refuses the piece it is in, named by its task, not the whole file. A JSON file the
scan cannot place (one object, or not JSON) stays whole, and its reader says why.

Bytes (`ingest --background`) are cut in memory; a file spooled to disk (an upload) is cut
into files beside it, a chunk at a time (a JSON file read through a memory map), and then removed.
"""

import io
import mmap
from pathlib import Path

from annotate.ingest.jsonrecords import array_pieces, line_pieces

PIECE_BYTES = 256 * 1024  # 20 reports of 12 kB or 200 of 1.2 kB: seconds of one worker's time each
# A JSON piece is a Label Studio import of its own (its checks, its transactions: about 20 ms
# of a worker's time whatever its size). A 75 MB export of 10,000 tasks with predictions, one
# worker, no pre-annotation: whole 7.9 s and 613 MB; pieces of 256 kB 13.2 s; of 1 MB 9.4 s and 194 MB.
JSON_PIECE_BYTES = 1 << 20
CHUNK = 1 << 20
CUT = (".jsonl", ".json")


def to_cut(name: str, size: int) -> bool:
    """Whether a file of this name and size goes to a job in pieces: JSONL or JSON over a piece's size."""
    return name.lower().endswith(CUT) and size > (JSON_PIECE_BYTES if _is_json(name) else PIECE_BYTES)


def where(name: str, first: int) -> str:
    """Where a piece starts in its file, as the job page and `claimtrail jobs` say it."""
    return f"from {'line' if name.lower().endswith('.jsonl') else 'task'} {first:,}"


def cut_bytes(data: bytes, name: str) -> list[tuple[bytes, int]]:
    """(piece, number of its first line or task), in order; [] for a JSON file that stays whole."""
    if _is_json(name):
        return [(b"[" + data[start:stop] + b"]", first) for start, stop, first in array_pieces(data, JSON_PIECE_BYTES) or []]
    return [(data[start:stop], line) for start, stop, line, _ in line_pieces(io.BytesIO(data), PIECE_BYTES)]


def cut_file(path: Path) -> list[tuple[Path, int]]:
    """(piece's file, number of its first line or task), the pieces in folders beside the file
    (`piece-K/NAME`: the reader goes by the name); the whole file then goes. [] for a JSON file
    that stays whole (it is left as it is)."""
    with path.open("rb") as whole:
        if _is_json(path.name):
            with mmap.mmap(whole.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                found = array_pieces(mapped, JSON_PIECE_BYTES) or []
                cut = [_write(path, k, (b"[", mapped[start:stop], b"]"), first) for k, (start, stop, first) in enumerate(found, 1)]
        else:
            cut = [_write(path, k, _copied(whole, start, stop), line) for k, (start, stop, line, _) in enumerate(list(line_pieces(whole, PIECE_BYTES)), 1)]
    if cut:
        path.unlink()
    return cut


def _write(path: Path, k: int, chunks, first: int) -> tuple[Path, int]:
    target = path.parent / f"piece-{k}" / path.name
    target.parent.mkdir()
    with target.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return target, first


def _copied(whole, start: int, stop: int):
    """The bytes start..stop of an open file, a chunk at a time."""
    whole.seek(start)
    left = stop - start
    while left and (chunk := whole.read(min(CHUNK, left))):
        yield chunk
        left -= len(chunk)


def _is_json(name: str) -> bool:
    return name.lower().endswith(".json")
