"""JSON Lines records and Label Studio tasks: one document per record, one error per bad record."""

import json
import os
import re
from collections.abc import Iterator
from itertools import count

from annotate.ingest import limits
from annotate.ingest.records import build_document
from annotate.ingest.source import ReadError, RecordError, SourceDocument
from annotate.ingest.textfile import (
    check_not_binary,
    check_storable,
    decode,
    mb,
    read_bytes,
)

TASK_SHAPE = 'a Label Studio task {"data": {"text": ...}} or a list of such tasks'


def read_jsonl(path: str, part: tuple[int, int | None, int] | None = None) -> Iterator[SourceDocument | ReadError]:
    """Line by line, so one broken line costs only that line, and in constant memory: the size
    limit is a record's, not the file's (a corpus exported as one JSONL file may hold a million
    reports). `part` is (first byte, end byte, number of the first line) of a piece of a big
    file whose checks were made (readahead.py)."""
    start, stop, first = part or (0, None, 1)
    base, offset, records = os.path.basename(path), start, 0
    with open(path, "rb") as f:
        if part is None:
            check_not_binary(f.read(limits.SNIFF_BYTES))
        f.seek(start)
        for n in count(first):
            if stop is not None and offset >= stop:
                break
            raw = f.readline(limits.MAX_BYTES + 1)
            if not raw:
                break
            if len(raw) > limits.MAX_BYTES:  # the rest of the line is passed over, never held
                offset += len(raw) + past_line_end(f)
                records += 1
                yield RecordError(f"record is over the {mb(limits.MAX_BYTES)} limit; not read").at(path, n)
                continue
            try:
                line = decode(raw, line_base=n, offset_base=offset)
                if line.strip():
                    records += 1
                    yield _jsonl_record(json_object(line), base, n, path)
            except RecordError as e:
                yield e.at(path, n)
            offset += len(raw)
    if not records and part is None:
        yield ReadError(path, "file has no records (it is empty or only blank lines)")


def past_line_end(f) -> int:
    """Read on to the end of the current line (its newline included); the bytes read."""
    read = 0
    while chunk := f.readline(1 << 20):
        read += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return read


def line_pieces(file, size: int) -> Iterator[tuple[int, int, int, bool]]:
    """Pieces of about `size` bytes of a binary file, each ending at a line's end, in one streaming
    pass (never more than `size` bytes held, and a chunk of a longer line): (first byte, end byte,
    number of the first line, whether its first `size` bytes hold more than whitespace)."""
    start, line = 0, 1
    while chunk := file.read(size):
        rest = 0 if chunk.endswith(b"\n") else past_line_end(file)
        stop = start + len(chunk) + rest
        yield start, stop, line, bool(chunk.strip())
        line += chunk.count(b"\n") + bool(rest)
        start = stop


# A JSON string (skipped whole: what it holds is text), or one of the characters that shape the value.
_TOKEN = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"|([\[{])|([\]}])|(,)', re.DOTALL)
_ARRAY_OPENS = re.compile(rb"(?:\xef\xbb\xbf)?\s*\[")  # a byte order mark, white space, the bracket


def array_pieces(buffer, size: int) -> list[tuple[int, int, int]] | None:
    """Pieces of about `size` bytes of a JSON array (bytes or an mmap), each whole elements, in one
    pass that parses nothing: (first byte, end byte, number of the first element, from 1). The
    bytes of a piece inside brackets are a JSON array of those elements. None when the buffer is
    not one array whose elements this scan can place: the reader then reads it whole and says
    what is wrong with it."""
    opens = _ARRAY_OPENS.match(buffer)
    if not opens:
        return None
    cut, start, first, done, depth = [], opens.end(), 1, 0, 1
    for token in _TOKEN.finditer(buffer, opens.end()):
        kind = token.lastindex
        if kind == 1:
            depth += 1
        elif kind == 2:
            depth -= 1
            if depth == 0:
                break
        elif kind == 3 and depth == 1:
            done += 1
            if token.start() - start >= size:
                cut.append((start, token.start(), first))
                start, first = token.end(), done + 1
    else:
        return None  # never closed
    end = token.start()
    if buffer[token.end() :].strip() or not buffer[start:end].strip():
        return None  # something after the array, an empty array or a trailing comma: not ours to judge
    return [*cut, (start, end, first)]


def read_labelstudio(path: str, first: int = 1) -> Iterator[SourceDocument | ReadError]:
    """A task, or a list of tasks; `first`: the number of the list's first task, when it is a
    piece of a bigger list (jobs/pieces.py), so tasks are named as in the whole list."""
    text = decode(read_bytes(path))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise RecordError(f"invalid JSON: {e.msg} (column {e.colno}); expected {TASK_SHAPE}", line=e.lineno) from None
    base = os.path.basename(path)
    if isinstance(data, dict):
        if not _is_task(data):
            raise RecordError(f'a JSON object without a "data" or "text" field; expected {TASK_SHAPE}')
        yield _task(data, base, None, path)
        return
    if not isinstance(data, list) or not data:
        kind = "an empty list" if data == [] else f"a JSON {type(data).__name__}"
        raise RecordError(f"{kind}; expected {TASK_SHAPE}")
    for n, task in enumerate(data, first):
        try:
            yield _task(task, base, n, path)
        except RecordError as e:
            yield ReadError(path, f"task #{n}: {e.reason}", e.line, e.field)


def json_object(line: str) -> dict:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise RecordError(f"invalid JSON: {e.msg} (column {e.colno})") from None
    if not isinstance(obj, dict):
        raise RecordError(f'expected a JSON object with a "text" field, got a {type(obj).__name__}')
    return obj


def _jsonl_record(obj: dict, base: str, n: int, path: str) -> SourceDocument:
    if "text" not in obj and isinstance(obj.get("data"), dict):
        return _task(obj, base, n, path)  # a Label Studio task on one line
    text = _text(obj, "text")
    fields = {k: v for k, v in obj.items() if k != "text"}
    name = _name(obj, base, n)
    return build_document(text, fields, lambda _: n, file_name=name, path=path, format="jsonl", line=n, record=n)


def _task(task, base: str, n: int | None, path: str, recorded: tuple[str, ...] = (), infer: bool = True) -> SourceDocument:
    """Label Studio accepts {"data": {...}} and, as a shorthand, the data fields alone.

    `recorded`: task fields the caller records otherwise (predictions and annotations a
    `labelstudio import` turns into decisions), left out of the document's metadata."""
    if not isinstance(task, dict):
        raise RecordError(f"expected a task object, got a {type(task).__name__}")
    data = task.get("data", task if "text" in task else None)
    if not isinstance(data, dict):
        raise RecordError(f"missing or not an object; expected {TASK_SHAPE}", field="data")
    text = _text(data, "text", prefix="data.")
    fields = {k: v for k, v in data.items() if k != "text"}
    if data is not task:
        fields["labelstudio"] = {k: v for k, v in task.items() if k != "data" and k not in recorded}  # id, predictions, annotations
    name = base if n is None else _name({**data, "id": task.get("id", data.get("id"))}, base, n)
    try:
        return build_document(text, fields, lambda _: None, infer, file_name=name, path=path, format="labelstudio", record=n)
    except RecordError as e:
        raise RecordError(e.reason, e.line, f"data.{e.field}" if e.field and data is not task else e.field) from None


def task_document(task, n: int, path: str, recorded: tuple[str, ...] = (), infer: bool = True) -> SourceDocument:
    """The document of the n-th task (from 1) of a task list read elsewhere, as ingest reads it
    (without guessing title, publisher and date when `infer` is false)."""
    return _task(task, os.path.basename(path), n, path, recorded, infer)


def _is_task(obj: dict) -> bool:
    return isinstance(obj.get("data"), dict) or "text" in obj


def _text(obj: dict, key: str, prefix: str = "") -> str:
    if key not in obj:
        raise RecordError("missing", field=prefix + key)
    text = obj[key]
    if not isinstance(text, str):
        raise RecordError(f"expected a string, got {type(text).__name__}", field=prefix + key)
    if not text.strip():
        raise RecordError("is empty", field=prefix + key)
    check_storable(text, field=prefix + key)
    return text


def _name(obj: dict, base: str, n: int) -> str:
    """A record's own file name if it has one; else the file name with its id or position."""
    for key in ("file_name", "name"):
        if isinstance(obj.get(key), str) and obj[key].strip():
            return obj[key].strip()
    if obj.get("id") is not None and not isinstance(obj["id"], (dict, list)):
        return f"{base}#{obj['id']}"
    return f"{base}#{n}"
