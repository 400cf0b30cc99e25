"""Plain text and Markdown files, with or without YAML front matter."""

import os
from collections.abc import Iterator

from annotate.ingest.frontmatter import split_front_matter
from annotate.ingest.records import build_document
from annotate.ingest.source import RecordError, SourceDocument
from annotate.ingest.textfile import decode, read_bytes


def read_text_file(path: str, fmt: str) -> Iterator[SourceDocument]:
    text = decode(read_bytes(path))
    if not text.strip():
        raise RecordError("file contains only whitespace")
    fields, lines, body = split_front_matter(text)
    if not body.strip():
        raise RecordError("no text after the front matter")
    yield build_document(body, fields or {}, lines.get, file_name=os.path.basename(path), path=path, format=fmt)
