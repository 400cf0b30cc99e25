"""Mark boilerplate: text repeated across documents, and site banners.

A paragraph seen in another document is not boilerplate by itself: a single repeated
paragraph is usually a quotation or syndicated claim, which is what claim linking wants.
Marked "repeated" are a run of two or more repeated paragraphs (with the short lines
around it, such as "Share the Post:"), and short repeated paragraphs at the very bottom
of a text (taglines, footers). Banner lines ("Support Us") are marked "banner".
"""

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from annotate.ingest.banners import is_banner_line
from annotate.ingest.dates import date_line

MIN_REPEATED_CHARS = 40  # normalised length below which a paragraph is too generic to count
MIN_TAIL_CHARS = 12  # a repeated tagline at the bottom needs at least this much text
MAX_TAIL_CHARS = 200  # longer repeated paragraphs at the bottom are left to the run rule
_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_NON_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    hash: str
    size: int = 0  # length of the normalised text: too short a paragraph is too generic to count


def normalise(paragraph: str) -> str:
    """NFKC, lowercase, punctuation to spaces: re-wrapped or re-quoted copies hash alike."""
    if paragraph.isascii():  # the same, with string methods (NFKC leaves ASCII as it is)
        return " ".join(paragraph.lower().translate(_ASCII_NON_WORD).split())
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", paragraph).lower()).strip()


_ASCII_NON_WORD = {c: " " for c in range(128) if not chr(c).isalnum()}  # [\W_] of ASCII, as spaces


def paragraph_hash(paragraph: str) -> str:
    return _digest(normalise(paragraph))


def _digest(normalised: str) -> str:
    return hashlib.blake2b(normalised.encode("utf-8"), digest_size=8).hexdigest()


def paragraphs(text: str) -> list[Paragraph]:
    """Blocks separated by blank lines, each trimmed of surrounding whitespace."""
    found, pos = [], 0
    for gap in [*_BLANK_LINES.finditer(text), None]:
        chunk_end = gap.start() if gap else len(text)
        chunk = text[pos:chunk_end]
        if chunk.strip():
            start = pos + len(chunk) - len(chunk.lstrip())
            end = pos + len(chunk.rstrip())
            norm = normalise(text[start:end])
            found.append(Paragraph(start, end, _digest(norm), len(norm)))
        pos = gap.end() if gap else pos
    return found


def boilerplate_spans(
    text: str, doc_frequency: Callable[[str], int | None], pars: list[Paragraph] | None = None, banners: list[tuple[int, int]] | None = None
) -> list[dict]:
    """Sorted, merged spans [{"start", "end", "reason": "repeated" | "banner"}].

    doc_frequency(hash) tells in how many *other* documents a paragraph appears;
    `pars` are the text's paragraphs and `banners` its banner_lines when the caller has them already."""
    pars = paragraphs(text) if pars is None else pars
    kinds = [_kind(text, p, doc_frequency) for p in pars]
    marked = _runs(kinds) | _tail(text, pars, kinds)
    spans = [_span(pars[i].start, pars[i].end, "repeated") for i in sorted(marked)]
    spans += [_span(s, e, "banner") for s, e in (banner_lines(text) if banners is None else banners)]
    return _merge(text, spans)


def _kind(text: str, p: Paragraph, doc_frequency) -> str:
    """One of: repeated (seen elsewhere), own, short (too short to judge), short-repeated."""
    size = p.size
    repeated = (doc_frequency(p.hash) or 0) >= 1
    if size < MIN_REPEATED_CHARS:
        return "short-repeated" if repeated and size >= MIN_TAIL_CHARS else "short"
    return "repeated" if repeated else "own"


def _runs(kinds: list[str]) -> set[int]:
    """Stretches without an "own" paragraph that hold two or more long repeated ones.

    Short lines inside or next to such a stretch ("Share the Post:", "Wilson Center") join it."""
    marked, i = set(), 0
    while i < len(kinds):
        j = i
        while j < len(kinds) and kinds[j] != "own":
            j += 1
        if kinds[i:j].count("repeated") >= 2:
            marked.update(range(i, j))
        i = j + 1
    return marked


def _tail(text: str, pars: list[Paragraph], kinds: list[str]) -> set[int]:
    """Short repeated paragraphs at the very bottom: taglines and footers ("X. Trusted news.").

    Only the bottom: the top holds titles, dates and outlet names, which repeat for good
    reasons. Only short ones: a long repeated paragraph alone is more likely a quotation.
    A text with nothing of its own is left alone rather than marked whole."""
    if "own" not in kinds:
        return set()
    marked = set()
    for i in range(len(pars) - 1, -1, -1):
        p = pars[i]
        chunk = text[p.start : p.end]
        tagline = kinds[i] in ("repeated", "short-repeated") and len(chunk) <= MAX_TAIL_CHARS and not date_line(chunk)
        if tagline:
            marked.add(i)
        elif not _all_banner(chunk):
            break
    return marked


def _all_banner(paragraph: str) -> bool:
    return all(is_banner_line(line) for line in paragraph.splitlines() if line.strip())


def banner_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line that is a banner (donation appeals, share lines, menus)."""
    return list(_banner_lines(text))


def _banner_lines(text: str):
    pos = 0
    for line in text.splitlines(keepends=True):
        if len(line) <= 200 and is_banner_line(line):
            stripped = line.strip()
            start = pos + line.index(stripped)
            yield start, start + len(stripped)
        pos += len(line)


def _span(start: int, end: int, reason: str) -> dict:
    return {"start": start, "end": end, "reason": reason}


def _merge(text: str, spans: list[dict]) -> list[dict]:
    """Join spans that overlap or have only whitespace between them.

    A banner line next to a repeated run (as "Share the Post:" often is) joins the run."""
    merged: list[dict] = []
    for span in sorted(spans, key=lambda s: (s["start"], -s["end"])):
        last = merged[-1] if merged else None
        if last and (span["start"] <= last["end"] or not text[last["end"] : span["start"]].strip()):
            last["end"] = max(last["end"], span["end"])
            if span["reason"] == "repeated":
                last["reason"] = "repeated"
        else:
            merged.append(dict(span))
    return merged
