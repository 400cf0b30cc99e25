"""Limits on what the readers accept. Read at call time, so tests and settings can change them."""

import os

MAX_BYTES = 50 * 1024 * 1024  # a document's file, or one JSONL record: larger ones are refused before they are read
# A JSON file (tasks, a Label Studio export): parsed whole by `ingest`, in pieces in a job. Label Studio's own import takes 200 MB.
JSON_BYTES = 200 * 1024 * 1024
SNIFF_BYTES = 8192  # a NUL byte in this many leading bytes marks a file as binary


def file_bytes(name: str) -> int | None:
    """The most a file of this name may hold; None for JSONL, read record by record (each record
    is held to MAX_BYTES, the file to nothing)."""
    ext = os.path.splitext(name)[1].lower()
    if ext == ".jsonl":
        return None
    return JSON_BYTES if ext == ".json" else MAX_BYTES
