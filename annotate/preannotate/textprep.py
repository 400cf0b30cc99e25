"""A matching copy of the text, of exactly the same length as the original.

Every replacement is one character for one character, so an offset into the copy
is the same offset into the original: no offset map is needed and candidate spans
always index the text exactly as ingestion stored it.
"""

from __future__ import annotations

import re

_CHAR_MAP = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u00a0": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u202f": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u200b": " ",
    "\ufeff": " ",
    "\u00ad": " ",
    "\t": " ",
    "\r": " ",
    "\u2028": "\n",
    "\u2029": "\n",
}
# Replace only where needed: str.translate looks up every character (~2 ms / 10k).
_SPECIAL = re.compile("[" + "".join(_CHAR_MAP) + "]")
# "[12]" footnote markers, and a footnote number glued after a word and a full
# stop ("Oblast.4", "war.12"): both hide names from the gazetteer.
_BRACKET_NOTE = re.compile(r"\[\d{1,3}\]")
_GLUED_NOTE = re.compile(r"[.,;]\d{1,3}(?=\s|$)")  # checked: a letter before the stop


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _blank_glued(match: re.Match[str]) -> str:
    start = match.start()
    if start and (match.string[start - 1].isalpha() or match.string[start - 1] in ")\"'"):
        return match.group()[0] + " " * (len(match.group()) - 1)
    return match.group()


def normalise(text: str) -> str:
    """Straight quotes, plain spaces, footnote markers blanked; same length."""
    out = _SPECIAL.sub(lambda m: _CHAR_MAP[m.group()], text)
    if "[" in out:
        out = _BRACKET_NOTE.sub(_blank, out)
    return _GLUED_NOTE.sub(_blank_glued, out)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Lowercased, with the length (and every offset) unchanged."""
    lower = text.lower()
    # A few characters (e.g. "İ") lower to two; then fall back to A-Z only.
    return lower if len(lower) == len(text) else text.translate(_ASCII_LOWER)


def mask(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """Blank the given spans (keeping newlines) so no rule can match inside."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def overlaps_any(start: int, end: int, spans: tuple[tuple[int, int], ...]) -> bool:
    return any(start < e and s < end for s, e in spans)
