"""What a reader hands to ingestion: one document, or one clear reason why not."""

import hashlib
from dataclasses import dataclass, field

META_FIELDS = ("title", "publisher", "published")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def not_inferred() -> dict[str, bool]:
    return {name: False for name in META_FIELDS}


@dataclass
class SourceDocument:
    text: str  # exact text to store; offsets index into it
    file_name: str
    path: str
    format: str  # "txt" | "md" | "html" | "jsonl" | "labelstudio"
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: str | None = None  # "YYYY-MM-DD", "YYYY-MM" or "YYYY": no invented precision
    inferred: dict[str, bool] = field(default_factory=not_inferred)
    meta: dict = field(default_factory=dict)
    line: int | None = None  # a record's line in its file (JSONL), to name it when it is refused
    record: int | None = None  # its place among the records of a JSONL file or task list (None: the whole file)
    paragraphs: list | None = field(default=None, repr=False, compare=False)  # boilerplate.paragraphs(text), when read ahead
    banners: list | None = field(default=None, repr=False, compare=False)  # boilerplate.banner_lines(text), when read ahead
    sha256: str | None = field(default=None, repr=False, compare=False)  # of the text, when the reader hashed it already

    def version_key(self) -> tuple[str, str] | None:
        """What a later text must share to be a new version of this one: the URL, else the
        path of a file that is one document. Records of one file are never versions of each other."""
        if self.url:
            return ("url", self.url)
        return ("path", self.path) if self.record is None else None


@dataclass
class ReadError:
    path: str
    reason: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = f"field '{self.field}': {self.reason}" if self.field else self.reason
        return f"{where}: {what}"


class RecordError(ValueError):
    """Raised inside a reader for one bad record; the reader turns it into a ReadError."""

    def __init__(self, reason: str, line: int | None = None, field: str | None = None):
        super().__init__(reason)
        self.reason, self.line, self.field = reason, line, field

    def at(self, path: str, line: int | None = None) -> ReadError:
        return ReadError(path, self.reason, self.line if self.line is not None else line, self.field)
