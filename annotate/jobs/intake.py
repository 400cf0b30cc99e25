"""What an upload may hold, checked before anything is stored: file names flattened, types
and sizes limited, zip archives opened entry by entry. Nothing outside the upload is read: a
name is never a path, an archive's links and nested archives are refused, and no URL in a
file is fetched (the readers never fetch).

A file comes as its bytes (`claimtrail ingest --background`, tests) or spooled to disk as
the web server received it (`Spooled`, server/uploads.py); then an archive's entries are
unpacked to files beside it, a chunk at a time, and nothing of the upload is held in memory."""

import io
import os
import posixpath
import stat
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from annotate.errors import TooLarge
from annotate.ingest import limits
from annotate.ingest.readers import READERS
from annotate.jobs import pieces

ARCHIVES = (".zip",)
NAME_LENGTH = 200
CHUNK = 1 << 20  # bytes unpacked at a time


@dataclass(frozen=True)
class Limits:
    max_files: int = 2000  # files in one upload, counting those inside archives
    max_bytes: int = 200 * 1024 * 1024  # the whole upload, archives counted unpacked

    def file_bytes(self, name: str) -> int:
        """The most one file of this name may hold: its reader's limit, or what a job keeps (JSONL)."""
        return min(limits.file_bytes(name) or limits.JSON_BYTES, self.max_bytes)


class Spooled(NamedTuple):
    """A file of an upload on disk; `path` None when it was too large to keep (`size` says how large)."""

    path: Path | None
    size: int


@dataclass
class Incoming:
    """One file of an upload: its bytes or where they are on disk, or the reason it is refused
    (then it holds neither)."""

    name: str
    data: bytes | None = None
    reason: str | None = None
    path: str | None = None  # spooled to disk: the job reads it from there
    first_line: int | None = None  # a piece of a big file (jobs/pieces.py): the number of its first line (JSONL) or task (JSON)

    @property
    def accepted(self) -> bool:
        return self.data is not None or self.path is not None

    @property
    def size(self) -> int:
        return os.path.getsize(self.path) if self.path else len(self.data or b"")


def accepted_types() -> list[str]:
    return [*READERS, *ARCHIVES]


def flat_name(raw: str) -> str:
    """The last part of a name as a browser or an archive gives it, without control characters."""
    base = posixpath.basename(raw.replace("\\", "/"))
    clean = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return clean[:NAME_LENGTH] if clean not in ("", ".", "..") else ""


def intake(uploads: Iterable[tuple[str, bytes | Spooled]], bounds: Limits = Limits()) -> list[Incoming]:
    """The files of an upload, archives unpacked; raises TooLarge when the whole is over the limits."""
    found: list[Incoming] = []
    budget = [bounds.max_bytes]
    uploads = list(uploads)
    for raw, data in uploads:
        name = flat_name(raw) or "(no name)"
        if _hidden_in_folder(raw, name):
            continue
        ext = os.path.splitext(name)[1].lower()
        if ext in ARCHIVES:
            found += _unpack(name, data, bounds, budget)
        else:
            found.append(_one(name, data, bounds, budget))
        if len(found) > bounds.max_files:
            raise TooLarge(f"an upload holds at most {bounds.max_files} files (archives counted by their files)")
    found = [piece for item in _distinct(found) for piece in _pieces(item)]
    _tidy([data for _, data in uploads if isinstance(data, Spooled)], found)
    return found


def _hidden_in_folder(raw: str, name: str) -> bool:
    """A hidden file or resource fork of a folder the browser sent (its names are paths inside
    the folder): skipped, as in an archive and as a folder given to `ingest`."""
    path = raw.replace("\\", "/")
    return "/" in path and (name.startswith(".") or "__MACOSX/" in path)


def _pieces(item: Incoming) -> list[Incoming]:
    """The item, or, for a big JSONL file or JSON list, its pieces (jobs/pieces.py)."""
    if not item.accepted or not pieces.to_cut(item.name, item.size):
        return [item]
    if item.data is not None:
        cut = [replace(item, data=data, first_line=first) for data, first in pieces.cut_bytes(item.data, item.name)]
    else:
        cut = [replace(item, path=str(path), first_line=first) for path, first in pieces.cut_file(Path(item.path))]  # type: ignore[arg-type]
    return cut or [item]


def _tidy(spooled: list[Spooled], found: list[Incoming]) -> None:
    """Spool files no job will read (refused, or archives now unpacked) go, with their folders."""
    kept = {item.path for item in found if item.path}
    for data in spooled:
        if data.path is not None and str(data.path) not in kept:
            data.path.unlink(missing_ok=True)
            try:
                data.path.parent.rmdir()  # its own folder, if nothing of it is kept (an archive's entries are)
            except OSError:
                pass


def _one(name: str, data: bytes | Spooled, bounds: Limits, budget: list[int]) -> Incoming:
    ext = os.path.splitext(name)[1].lower()
    if ext not in READERS:
        return Incoming(name, reason=f"unsupported file type {ext or '(no extension)'!r}; expected one of {', '.join(accepted_types())}")
    size, limit = data.size if isinstance(data, Spooled) else len(data), bounds.file_bytes(name)
    if size > limit or (isinstance(data, Spooled) and data.path is None):
        return Incoming(name, reason=_too_large(name, limit))
    _spend(budget, size, bounds)
    return Incoming(name, path=str(data.path)) if isinstance(data, Spooled) else Incoming(name, data)


def _unpack(name: str, data: bytes | Spooled, bounds: Limits, budget: list[int]) -> list[Incoming]:
    if isinstance(data, Spooled) and data.path is None:
        return [Incoming(name, reason=_too_large(name, bounds.file_bytes(name)))]
    try:
        archive = zipfile.ZipFile(data.path if isinstance(data, Spooled) else io.BytesIO(data))  # type: ignore[arg-type]
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as problem:
        return [Incoming(name, reason=f"not a readable zip archive ({problem})")]
    unpack_to = data.path.with_name(data.path.name + ".entries") if isinstance(data, Spooled) and data.path else None
    found = []
    for entry in entries:
        base = flat_name(entry.filename)
        label = f"{name}/{base or '(no name)'}"
        if entry.is_dir() or not base or base.startswith(".") or "__MACOSX/" in entry.filename:
            continue  # folders, hidden files and resource forks, as a folder given to `ingest` skips them
        mode = entry.external_attr >> 16
        if stat.S_ISLNK(mode):
            found.append(Incoming(label, reason="a link inside the archive: only files are read"))
        elif entry.flag_bits & 0x1:
            found.append(Incoming(label, reason="encrypted: cannot be read"))
        elif os.path.splitext(base)[1].lower() in ARCHIVES:
            found.append(Incoming(label, reason="an archive inside an archive: unpack it first"))
        elif entry.file_size > bounds.file_bytes(base):
            found.append(Incoming(label, reason=_too_large(base, bounds.file_bytes(base), " unpacked")))
        elif os.path.splitext(base)[1].lower() not in READERS:
            found.append(_one(label, b"", bounds, budget))
        elif unpack_to is not None:
            found.append(_unpack_entry(archive, entry, label, bounds, budget, unpack_to / str(len(found)) / base))
        else:
            found.append(_read_entry(archive, entry, label, bounds, budget))
        if len(found) > bounds.max_files:
            raise TooLarge(f"an upload holds at most {bounds.max_files} files (archives counted by their files)")
    if not found:
        return [Incoming(name, reason="the archive holds no files")]
    return found


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, label: str, bounds: Limits, budget: list[int]) -> Incoming:
    limit = bounds.file_bytes(label)
    try:
        with archive.open(entry) as stream:
            data = stream.read(limit + 1)  # the header's size may lie: never unpack past the limit
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as problem:
        return Incoming(label, reason=f"cannot be unpacked ({problem})")
    if len(data) > limit:
        return Incoming(label, reason=_too_large(label, limit, " unpacked"))
    _spend(budget, len(data), bounds)
    return Incoming(label, data)


def _unpack_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, label: str, bounds: Limits, budget: list[int], target: Path) -> Incoming:
    """An entry of a spooled archive to a file of its own, a chunk at a time, never past the limit."""
    target.parent.mkdir(parents=True, exist_ok=True)
    size, limit = 0, bounds.file_bytes(label)
    try:
        with archive.open(entry) as stream, target.open("wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:  # the header's size may lie
                    break
                out.write(chunk)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as problem:
        target.unlink(missing_ok=True)
        return Incoming(label, reason=f"cannot be unpacked ({problem})")
    if size > limit:
        target.unlink(missing_ok=True)
        return Incoming(label, reason=_too_large(label, limit, " unpacked"))
    _spend(budget, size, bounds)
    return Incoming(label, path=str(target))


def _too_large(name: str, limit: int, how: str = "") -> str:
    kind = {".json": "a JSON file's limit", ".jsonl": "a JSON Lines file's limit in a job"}.get(os.path.splitext(name)[1].lower(), "a file's limit")
    return f"larger than {_mb(limit)}{how} ({kind})"


def _spend(budget: list[int], size: int, bounds: Limits) -> None:
    budget[0] -= size
    if budget[0] < 0:
        raise TooLarge(f"an upload holds at most {_mb(bounds.max_bytes)} (archives counted unpacked)")


def _distinct(found: list[Incoming]) -> list[Incoming]:
    """Two files of one upload never share a name (a flattened archive can make two alike)."""
    seen: dict[str, int] = {}
    for item in found:
        n = seen[item.name] = seen.get(item.name, 0) + 1
        if n > 1:
            stem, ext = os.path.splitext(item.name)
            item.name = f"{stem} ({n}){ext}"
    return found


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB" if size >= 1024 * 1024 else f"{size} bytes"
