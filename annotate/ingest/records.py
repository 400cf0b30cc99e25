"""Given metadata (front matter, JSONL fields, Label Studio data) onto a SourceDocument."""

import datetime as dt
import json
import math
from collections.abc import Callable

import orjson

from annotate.ingest.dates import parse_date_value
from annotate.ingest.metadata import fill_missing
from annotate.ingest.source import RecordError, SourceDocument
from annotate.ingest.textfile import check_storable

# field in the document <- names it may be given under, first found wins
ALIASES = {
    "title": ("title",),
    "publisher": ("publisher", "source"),
    "url": ("url",),
    "published": ("published", "date"),
}


def build_document(text: str, fields: dict, line_of: Callable[[str], int | None], infer: bool = True, **where) -> SourceDocument:
    """A document from its text and given fields; missing title/publisher/date are inferred
    (unless `infer` is false: then by the caller, who reads them elsewhere)."""
    doc = SourceDocument(text=text, **where)
    meta = dict(fields)
    for target, names in ALIASES.items():
        for name in names:
            if name in meta and _present(meta[name]):
                setattr(doc, target, _value(target, name, meta.pop(name), line_of(name)))
                break
        for name in names:  # a blank alias carries nothing worth keeping
            if name in meta and not _present(meta[name]):
                del meta[name]
    doc.meta = jsonable(meta)
    check_fields(doc, line_of)
    return fill_missing(doc) if infer else doc


def check_fields(doc: SourceDocument, line_of: Callable[[str], int | None]) -> None:
    """Every given field storable on both databases: no NUL or lone surrogate in any string,
    no NaN or infinity in a number (JSON has neither; PostgreSQL's jsonb refuses them)."""
    for name in ("title", "publisher", "url", "published", "file_name"):
        value = getattr(doc, name)
        if isinstance(value, str):
            check_storable(value, field=name)
    if _plainly_storable(doc.meta):
        return  # the common case, decided in C; the walk below names the field when it is not
    for where, value in _leaves(doc.meta, "meta"):
        if isinstance(value, float) and not math.isfinite(value):
            raise RecordError(f"{value} is not a number JSON can hold", line=line_of(where.split(".")[1]), field=where)
        if isinstance(value, str):
            check_storable(value, field=where)


def _plainly_storable(meta: dict) -> bool:
    """No NaN or infinity (the encoder refuses them), no NUL and no lone surrogate anywhere
    (a written \\u0000, or text that does not encode; a literal backslash-u0000 only costs the walk)."""
    try:
        written = json.dumps(meta, allow_nan=False, ensure_ascii=False)
        written.encode("utf-8")
    except (ValueError, TypeError):  # UnicodeEncodeError is a ValueError
        return False
    return "\\u0000" not in written


def _leaves(value, where: str):
    """(dotted path, value) of every key and leaf of nested metadata."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{where}.{key}", key  # keys are text too
            yield from _leaves(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, f"{where}.{i}")
    else:
        yield where, value


def jsonable(value):
    """Metadata is stored as JSON: dates become ISO strings, anything exotic its str()."""
    try:  # JSON already (what JSONL and Label Studio files give): a copy, made in C
        copy = orjson.loads(orjson.dumps(value, option=_PLAIN_ONLY))
        if copy == value:  # not so for tuples, NaN, or what orjson writes its own way (UUIDs)
            return copy
    except orjson.JSONEncodeError:
        pass  # dates, subclasses, numbers beyond 64 bits, non-text keys: the walk below
    return _jsonable(value)


_PLAIN_ONLY = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _present(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _value(target: str, name: str, value, line: int | None) -> str:
    if target == "published":
        try:
            iso = parse_date_value(value)
        except ValueError as e:
            raise RecordError(str(e), line=line, field=name) from None
        if iso is None:
            raise RecordError(f"cannot read {str(value)[:60]!r} as a date; write it as YYYY-MM-DD", line=line, field=name)
        return iso
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise RecordError(f"expected text, got {type(value).__name__}", line=line, field=name)
    return str(value).strip()
