"""Export formats by name: an iterator of claims → one small writer per format.

A format is a module with
  * `write(claims, out, ctx) -> int`: write the records to `out` (its `write` takes
    text or UTF-8 bytes), return how many it wrote; `claims` come from
    `exports.claims.iter_claims`, already filtered and in id order;
  * `SUFFIX` (".jsonl") and `NEEDS` (what it asks of the iterator beyond the plain
    claim: "context", "appearances", "history"; see exports/claims.py).
Its output must depend only on the record at `ctx.cut` and `ctx.options`: no clock,
no randomness, stable ordering, so that `export verify` can compare hashes.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

import orjson
from sqlmodel import Session

from annotate.errors import Invalid
from exports.claims import Cut, Filters

FORMATS = {
    "jsonl": "exports.jsonl",
    "csv": "exports.csv",
    "claimreview": "exports.claimreview",
    "webannotation": "exports.webannotation",
    "prov": "exports.prov",
    "labelstudio": "exports.labelstudio",  # the Label Studio work's module, when present
}
DEFAULT_BASE_URL = "http://localhost:8000"


# JSON for every writer: compact UTF-8, keys in the order the record builds them (fixed, so
# the output is deterministic). orjson: encoding is the hot path of a million-claim export,
# and it is several times faster than the standard library's C encoder here.
def dumps(value) -> str:
    return orjson.dumps(value).decode()


def json_line(value) -> bytes:
    """One JSON Lines line, as the UTF-8 bytes a sink takes without re-encoding."""
    return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE)


class FormatUnavailable(Invalid):
    pass


@dataclass
class ExportContext:
    """What a writer may read besides the claims: the cut, the filters and the options."""

    session: Session
    cut: Cut
    filters: Filters = Filters()
    options: dict = field(default_factory=dict)
    first_part: bool = True  # False in the later parts of an export written in parts (exports/parts.py)
    progress: Callable[[int], None] | None = None  # told the claims read so far, now and then (an export job's page)

    @property
    def base_url(self) -> str:
        """Where this record is published: the IRIs of claims, documents and agents start here."""
        return (self.options.get("base_url") or DEFAULT_BASE_URL).rstrip("/")


def writer(name: str) -> ModuleType:
    """The format module called `name`; FormatUnavailable says why there is none."""
    if name not in FORMATS:
        raise FormatUnavailable(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    try:
        module = importlib.import_module(FORMATS[name])
    except ModuleNotFoundError as missing:
        if missing.name != FORMATS[name]:
            raise
        raise FormatUnavailable(f"the {name} format is not installed in this build") from None
    if not callable(getattr(module, "write", None)):
        raise FormatUnavailable(f"{FORMATS[name]} has no write(claims, out, ctx)")
    return module
