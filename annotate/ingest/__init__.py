"""Ingestion, the pure part: read files into SourceDocuments, infer metadata, find boilerplate.

The size limit is annotate.ingest.limits.MAX_BYTES, read at call time so it can be changed.
"""

from annotate.ingest.boilerplate import (
    Paragraph,
    boilerplate_spans,
    paragraph_hash,
    paragraphs,
)
from annotate.ingest.metadata import infer_metadata
from annotate.ingest.readers import expand_paths, read_path, read_paths
from annotate.ingest.source import ReadError, SourceDocument

__all__ = [
    "Paragraph",
    "ReadError",
    "SourceDocument",
    "boilerplate_spans",
    "expand_paths",
    "infer_metadata",
    "paragraph_hash",
    "paragraphs",
    "read_path",
    "read_paths",
]
