"""Load a file's bytes safely and decode them as UTF-8, or say precisely why not."""

import os
import re

from annotate.ingest import limits
from annotate.ingest.source import RecordError

BOM = "\ufeff"


def read_bytes(path: str) -> bytes:
    """The whole file, refused (RecordError) when too large for its type, binary or empty."""
    limit = check_size(path)
    with open(path, "rb") as f:
        raw = f.read(limit + 1)  # the file may have grown since stat()
    if len(raw) > limit:
        raise RecordError(f"file is over the {mb(limit)} limit; not read")
    check_not_binary(raw[: limits.SNIFF_BYTES])
    if not raw.strip():
        raise RecordError("file is empty" if not raw else "file contains only whitespace")
    return raw


def check_size(path: str) -> int:
    """The file's limit by its type (a whole-file reader's: JSONL is read otherwise), checked."""
    limit = limits.file_bytes(path) or limits.MAX_BYTES
    size = os.path.getsize(path)  # stat only: a huge file is never read
    if size > limit:
        raise RecordError(f"file is {mb(size)}, over the {mb(limit)} limit; not read")
    return limit


def check_not_binary(head: bytes) -> None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RecordError("file is UTF-16 encoded; save it as UTF-8")
    if b"\x00" in head:
        raise RecordError("looks like a binary file (NUL bytes in the first 8 KB); expected text")


def decode(raw: bytes, line_base: int = 1, offset_base: int = 0) -> str:
    """Strict UTF-8 without a leading BOM; nothing else in the text is changed."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = line_base + raw.count(b"\n", 0, e.start)
        raise RecordError(
            f"invalid UTF-8 at byte offset {offset_base + e.start} (byte 0x{raw[e.start]:02x}); save the file as UTF-8",
            line=line,
        ) from None
    text = text[1:] if text.startswith(BOM) else text
    check_storable(text, line_base)
    return text


UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def check_storable(text: str, line_base: int = 1, field: str | None = None) -> None:
    """Refuse NUL characters (PostgreSQL cannot store them, and no report needs one) and lone
    surrogates (half a character, from a JSON "\\ud800": not text, and UTF-8 cannot encode it)."""
    if "\x00" not in text and (text.isascii() or _encodes(text)):
        return  # string methods first: a regex reads every character, several times slower
    found = UNSTORABLE.search(text)
    if found:
        at, what = found.start(), "a NUL character" if found.group() == "\x00" else "a lone surrogate (half a character)"
        line = None if field else line_base + text.count("\n", 0, at)  # a field's record line is the reader's to give
        raise RecordError(f"contains {what} at character {at}; remove it and ingest again", line=line, field=field)


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"
