"""Turn paths (files, folders, globs) into SourceDocuments, one ReadError per bad file or record.

Nothing a file contains stops a batch: every failure becomes a ReadError and reading
goes on with the next record or file.
"""

import glob
import os
from collections.abc import Callable, Iterator

from annotate.ingest.htmlpage import read_html_file
from annotate.ingest.jsonrecords import read_jsonl, read_labelstudio
from annotate.ingest.plaintext import read_text_file
from annotate.ingest.source import ReadError, RecordError, SourceDocument

READERS: dict[str, Callable[[str], Iterator]] = {
    ".txt": lambda p: read_text_file(p, "txt"),
    ".md": lambda p: read_text_file(p, "md"),
    ".markdown": lambda p: read_text_file(p, "md"),
    ".html": read_html_file,
    ".htm": read_html_file,
    ".jsonl": read_jsonl,
    ".json": read_labelstudio,
}
# A piece of a big file (jobs/pieces.py) whose first line or task has this number: named and placed as in the whole file.
PIECE_READERS: dict[str, Callable[[str, int], Iterator]] = {
    ".jsonl": lambda p, first: read_jsonl(p, part=(0, None, first)),
    ".json": read_labelstudio,
}


def supported(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in READERS


def expand_paths(paths: list[str]) -> Iterator[str | ReadError]:
    """Files as given; folders recursively (supported files only, sorted, hidden ones skipped); globs."""
    seen: set[str] = set()
    for given in paths:
        path = os.path.expanduser(given)
        if os.path.isfile(path):
            found = [path]
        elif os.path.isdir(path):
            found = _walk(path)
            if not found:
                yield ReadError(given, f"folder has no files of a supported type ({', '.join(READERS)})")
        elif glob.has_magic(path):
            found = sorted(_glob(path))
            if not found:
                yield ReadError(given, "no files match this pattern")
        else:
            yield ReadError(given, "no such file or folder")
            continue
        for file in found:
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                yield file


def read_path(path: str, first: int = 1) -> Iterator[SourceDocument | ReadError]:
    """The documents in one file (several for .jsonl and task lists); `first` > 1: the file is a
    later piece of a bigger one, whose first line or task has that number."""
    if os.path.isdir(path):
        yield from read_paths([path])
        return
    if not os.path.exists(path):
        yield ReadError(path, "no such file or folder")
        return
    ext = os.path.splitext(path)[1].lower()
    if ext not in READERS:
        yield ReadError(path, f"unsupported file type {ext or '(no extension)'!r}; expected one of {', '.join(READERS)}")
        return
    try:
        yield from READERS[ext](path) if first == 1 else PIECE_READERS[ext](path, first)
    except RecordError as e:
        yield e.at(path)
    except OSError as e:
        yield ReadError(path, f"cannot read: {e.strerror or e}")
    except Exception as e:  # a reader bug must cost one file, not the batch
        yield ReadError(path, f"unexpected error while reading: {type(e).__name__}: {e}")


def read_paths(paths: list[str]) -> Iterator[SourceDocument | ReadError]:
    for item in expand_paths(paths):
        if isinstance(item, ReadError):
            yield item
        else:
            yield from read_path(item)


def _walk(folder: str) -> list[str]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [os.path.join(root, f) for f in files if not f.startswith(".") and supported(f)]
    return sorted(found)


def _glob(pattern: str) -> Iterator[str]:
    for match in glob.glob(pattern, recursive=True):
        if os.path.isdir(match):
            yield from _walk(match)
        elif supported(match):
            yield match
