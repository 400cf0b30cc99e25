"""Newline-aware segmentation: paragraphs (units) and sentences, with offsets.

Plain-text reports mix hard-wrapped lines, one-line headers and bullets. The rule
(from the NLP probe): a blank line or a bullet starts a new unit; a newline before
a lowercase letter is a hard wrap; a newline before an uppercase letter is a wrap
only in a hard-wrapped document, when the previous line fills the width and does not
end a sentence (elsewhere a long line without a full stop is a headline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BULLET = re.compile(r"\s*(?:[•·▪◦‣●■□➢►\-\*–]|\d{1,2}[.)])\s+")
_TERMINAL = tuple(".!?:;\"')")
_TAKEAWAYS = re.compile(r"\bkey\s+takeaways\b\s*:?\s*", re.I)
_SENT_END = re.compile(r"[.!?]+[\"')\]]*\s+")
_ABBREV = frozenset(
    "mr mrs ms dr prof gen lt col maj capt sgt adm gov sen rep st jr sr no vol vs etc "
    "inc ltd co corp jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n "
    "e.u i.e e.g approx est fig ft mt pres gens cf".split()
)


# Text taken from a PDF keeps the page's line breaks: lines of up to ~130 characters
# (a news page's paragraphs are longer lines). Short texts need the old, stricter width.
MAX_WRAP_WIDTH = 130
MIN_WRAPPED_LINES = 8


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    unit: int  # index of the paragraph-like unit the sentence belongs to
    kind: str  # "body", "heading" or "bullet"
    first: bool  # first sentence of its unit
    takeaway: bool = False  # in a Key Takeaways list
    ends_colon: bool = False  # introduces what follows ("...Key Takeaways:")


def _lines(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for line in text.split("\n"):
        out.append((start, start + len(line)))
        start += len(line) + 1
    return out


def _wrap_width(text: str, lines: list[tuple[int, int]]) -> int | None:
    """The width a hard-wrapped document fills, or None if lines are paragraphs."""
    lengths = sorted(e - s for s, e in lines if e - s >= 30)
    if len(lengths) < 4:
        return None
    p90 = lengths[int(0.9 * (len(lengths) - 1))]
    limit = MAX_WRAP_WIDTH if len(lengths) >= MIN_WRAPPED_LINES else 100
    return int(0.7 * p90) if p90 <= limit else None


def _is_wrap(prev: str, line: str, width: int | None) -> bool:
    """Does `line` continue `prev` (a hard wrap) rather than start a new unit?"""
    nxt = line.lstrip()
    if not nxt or _BULLET.match(line):
        return False
    if nxt[0].islower():
        return True
    prev = prev.rstrip()
    return width is not None and len(prev) >= width and not prev.endswith(_TERMINAL)


def units(text: str) -> list[tuple[int, int, bool]]:
    """Paragraph-like units as (start, end, is_bullet), whitespace trimmed."""
    out: list[list] = []
    prev_line = ""
    lines = _lines(text)
    width = _wrap_width(text, lines)
    for start, end in lines:
        line = text[start:end]
        if not line.strip():
            prev_line = ""
            continue
        if out and prev_line and _is_wrap(prev_line, line, width):
            out[-1][1] = end
        else:
            out.append([start, end, bool(_BULLET.match(line))])
        prev_line = line
    return [_trim(text, s, e) + (b,) for s, e, b in out]


def unwrap(text: str) -> str:
    """The text with hard-wrap newlines turned into spaces (same length), so that a
    name broken over two lines ("The\nEconomist") still matches as one phrase."""
    chars = None
    for start, end, _ in units(text):
        if "\n" in text[start:end]:
            chars = chars or list(text)
            for i in range(start, end):
                if chars[i] == "\n":
                    chars[i] = " "
    return "".join(chars) if chars else text


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    m = _BULLET.match(text, start, end)
    if m:
        start = m.end()
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _abbreviation_before(text: str, dot: int) -> bool:
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    return word in _ABBREV or (len(word) == 1 and text[word_start].isupper())


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split text[start:end] into sentences; offsets stay absolute."""
    out, cur = [], start
    for m in _SENT_END.finditer(text, start, end):
        nxt = m.end()
        if nxt >= end or not (text[nxt].isupper() or text[nxt].isdigit() or text[nxt] in "\"'(["):
            continue
        if text[m.start()] == "." and _abbreviation_before(text, m.start()):
            continue
        out.append(_trim(text, cur, m.end()))
        cur = nxt
    out.append(_trim(text, cur, end))
    return [(s, e) for s, e in out if e > s]


def _is_heading(text: str, start: int, end: int) -> bool:
    line = text[start:end]
    return "\n" not in line and len(line) < 200 and not line.rstrip().endswith((".", "!", "?", '."', ".'"))


def segment(text: str) -> list[Segment]:
    """All sentences of the text with their unit, kind and Key Takeaways flag."""
    segs: list[Segment] = []
    in_takeaways = False
    for index, (u_start, u_end, bullet) in enumerate(units(text)):
        parts = sentences(text, u_start, u_end)
        # A headline is one sentence; a line holding two is prose whose wrap was missed
        # ("... on November 9. Russian" before "Defense Minister ..." on the next line).
        heading = not bullet and len(parts) == 1 and _is_heading(text, u_start, u_end)
        tk = _TAKEAWAYS.search(text, u_start, u_end)
        flat = False
        if tk and (heading or tk.end() >= u_end):  # "Key Takeaways" introduces a list
            in_takeaways = True
        elif tk and tk.start() == u_start:  # flattened: "Key Takeaways The Kremlin ..."
            in_takeaways, flat, u_start = True, True, tk.end()
        elif not bullet:
            in_takeaways = False
        kind = "bullet" if bullet else "heading" if heading else "body"
        if flat:
            parts = sentences(text, u_start, u_end)
        for n, (s, e) in enumerate(parts):
            take = in_takeaways and (bullet or flat)
            segs.append(Segment(s, e, index, kind, n == 0, take, text[s:e].endswith(":")))
        if flat:
            in_takeaways = False
    return segs
