"""Infer title, publisher and publication date from raw text when nobody gave them."""

import re
from bisect import bisect_right
from itertools import accumulate

from annotate.ingest.banners import is_banner_line
from annotate.ingest.dates import date_line, find_dates, labelled_date, year_offsets
from annotate.ingest.publisher import header_lines, infer_publisher
from annotate.ingest.source import SourceDocument

HEAD_CHARS = 1500  # where a report's own date sits when it is not labelled
MAX_TITLE_CHARS = 250
_URL = re.compile(r"(?:https?://|www\.)\S+$", re.I)
_NOT_TITLE = re.compile(r"(?i:by)\s+[A-Z]|(?i:source|photo|image|credits?|authors?|written\s+by)\s*:")  # bylines, captions
_SENTENCE = re.compile(r"^(?:\S+\s+){5,}.*[^.]\.$")  # six or more words ending in a full stop: body, not a headline
_BULLET = re.compile(r"[•·*\-–]\s|\d+[.)]\s")


def infer_metadata(text: str) -> tuple[str | None, str | None, str | None]:
    """(title, publisher, published ISO date) read from the text alone."""
    publisher = infer_publisher(text)
    return infer_title(text, publisher), publisher, infer_published(text)


def fill_missing(doc: SourceDocument) -> SourceDocument:
    """Infer the title, publisher and date a reader was not given, and say so in doc.inferred.

    Only what is missing is inferred (a title is read knowing the inferred publisher)."""
    missing = [name for name in ("title", "publisher", "published") if not getattr(doc, name)]
    if not missing:
        return doc
    publisher = infer_publisher(doc.text) if "title" in missing or "publisher" in missing else None
    inferred = {
        "title": infer_title(doc.text, publisher) if "title" in missing else None,
        "publisher": publisher,
        "published": infer_published(doc.text) if "published" in missing else None,
    }
    for name in missing:
        if inferred[name]:
            setattr(doc, name, inferred[name])
            doc.inferred[name] = True
    return doc


def infer_title(text: str, publisher: str | None = None) -> str | None:
    """The first substantial line near the top that is not a date, a banner or the publisher."""
    for raw in header_lines(text):
        line = raw.strip("#*_ \t").strip()
        if _skip_as_title(line, publisher):
            continue
        if len(line) > MAX_TITLE_CHARS or _BULLET.match(raw) or _SENTENCE.search(line):
            return None  # the body has started: a text without a headline
        if len(line) >= 12 and len(line.split()) >= 2:
            return line
    return None


def infer_published(text: str) -> str | None:
    years = year_offsets(text)
    if not years:
        return None  # every date we read has a year of four digits
    lines = _lines_with_offsets(text, years)  # only lines with a year can be or hold a date
    # 1. a line near the top that is only a date ("April 5, 2023", "Tuesday, 4 June 2024, 04:57")
    for start, line in lines:
        if start >= HEAD_CHARS:
            break
        if (hit := date_line(line)) and hit.label != "updated":
            return hit.iso
    # 2. an explicit "Published on ..." line anywhere: reports often put it at the end
    if hit := _first_labelled(lines, "published"):
        return hit.iso
    # 3. the first full date near the top ("Campaign Assessment, March 2, 2023 ...")
    for hit in find_dates(text, 0, HEAD_CHARS):
        if hit.precision == "day":
            return hit.iso
    # 4. an "Updated ..." line, then a date standing alone anywhere (a footer)
    if hit := _first_labelled(lines, "updated"):
        return hit.iso
    for _, line in lines:
        if len(line) <= 80 and (hit := date_line(line)):
            return hit.iso
    return None


def _skip_as_title(line: str, publisher: str | None) -> bool:
    if not line or date_line(line) or is_banner_line(line) or _URL.match(line) or _NOT_TITLE.match(line):
        return True
    if not publisher:
        return False
    bare = re.sub(r"\s*\([A-Z&]{2,8}\)$", "", line)  # "Institute for the Study of War (ISW)"
    return bare.lower() == publisher.lower()


def _first_labelled(lines: list[tuple[int, str]], kind: str):
    for _, line in lines:
        if len(line) <= 200 and (hit := labelled_date(line)) and hit.label == kind:
            return hit
    return None


def _lines_with_offsets(text: str, years: list[int]) -> list[tuple[int, str]]:
    """(offset, line) of the lines holding one of these offsets, in order."""
    lines = text.splitlines(keepends=True)
    starts = list(accumulate((len(line) for line in lines), initial=0))
    return [(starts[i], lines[i]) for i in sorted({bisect_right(starts, at) - 1 for at in years})]
