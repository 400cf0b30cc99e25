"""What an upload may hold, checked before anything is stored: file names flattened, types
and sizes limited, zip archives opened in memory entry by entry. Nothing outside the upload
is read: a name is never a path, an archive's links and nested archives are refused, and no
URL in a file is fetched (the readers never fetch)."""

import io
import os
import posixpath
import stat
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from annotate.errors import TooLarge
from annotate.ingest import limits
from annotate.ingest.readers import READERS

ARCHIVES = (".zip",)
NAME_LENGTH = 200


@dataclass(frozen=True)
class Limits:
    max_files: int = 2000  # files in one upload, counting those inside archives
    max_bytes: int = 200 * 1024 * 1024  # the whole upload, archives counted unpacked

    @property
    def file_bytes(self) -> int:
        return min(limits.MAX_BYTES, self.max_bytes)


@dataclass
class Incoming:
    """One file of an upload: its bytes, or the reason it is refused (then it holds none)."""

    name: str
    data: bytes | None = None
    reason: str | None = None


def accepted_types() -> list[str]:
    return [*READERS, *ARCHIVES]


def flat_name(raw: str) -> str:
    """The last part of a name as a browser or an archive gives it, without control characters."""
    base = posixpath.basename(raw.replace("\\", "/"))
    clean = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return clean[:NAME_LENGTH] if clean not in ("", ".", "..") else ""


def intake(uploads: Iterable[tuple[str, bytes]], bounds: Limits = Limits()) -> list[Incoming]:
    """The files of an upload, archives unpacked; raises TooLarge when the whole is over the limits."""
    found: list[Incoming] = []
    budget = [bounds.max_bytes]
    for raw, data in uploads:
        name = flat_name(raw) or "(no name)"
        ext = os.path.splitext(name)[1].lower()
        if ext in ARCHIVES:
            found += _unpack(name, data, bounds, budget)
        else:
            found.append(_one(name, data, bounds, budget))
        if len(found) > bounds.max_files:
            raise TooLarge(f"an upload holds at most {bounds.max_files} files (archives counted by their files)")
    return _distinct(found)


def _one(name: str, data: bytes, bounds: Limits, budget: list[int]) -> Incoming:
    ext = os.path.splitext(name)[1].lower()
    if ext not in READERS:
        return Incoming(name, reason=f"unsupported file type {ext or '(no extension)'!r}; expected one of {', '.join(accepted_types())}")
    if len(data) > bounds.file_bytes:
        return Incoming(name, reason=f"larger than {_mb(bounds.file_bytes)} (a file's limit)")
    _spend(budget, len(data), bounds)
    return Incoming(name, data)


def _unpack(name: str, data: bytes, bounds: Limits, budget: list[int]) -> list[Incoming]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as problem:
        return [Incoming(name, reason=f"not a readable zip archive ({problem})")]
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
        elif entry.file_size > bounds.file_bytes:
            found.append(Incoming(label, reason=f"larger than {_mb(bounds.file_bytes)} unpacked (a file's limit)"))
        elif os.path.splitext(base)[1].lower() not in READERS:
            found.append(_one(label, b"", bounds, budget))
        else:
            found.append(_read_entry(archive, entry, label, bounds, budget))
        if len(found) > bounds.max_files:
            raise TooLarge(f"an upload holds at most {bounds.max_files} files (archives counted by their files)")
    if not found:
        return [Incoming(name, reason="the archive holds no files")]
    return found


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, label: str, bounds: Limits, budget: list[int]) -> Incoming:
    try:
        with archive.open(entry) as stream:
            data = stream.read(bounds.file_bytes + 1)  # the header's size may lie: never unpack past the limit
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as problem:
        return Incoming(label, reason=f"cannot be unpacked ({problem})")
    if len(data) > bounds.file_bytes:
        return Incoming(label, reason=f"larger than {_mb(bounds.file_bytes)} unpacked (a file's limit)")
    _spend(budget, len(data), bounds)
    return Incoming(label, data)


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
