"""Names the gazetteer and rules cannot explain, found by a pretrained NER model.

The rules know the names of one war; a report about an election or a company is full
of names they have never seen. A pretrained pipeline (pretrained.py) finds those, but
it is slow (~0.3 s per 10k characters) and makes mistakes the gazetteer would not
("Avdiivka" as a person). So the model only reads short windows around capitalised
words nothing else explained, and what it proposes is checked against what we know:

- a span that overlaps a name the gazetteer or rules found is dropped (they win);
- a span must contain one of the unexplained words it was run for;
- a PERSON made of known place names becomes that place, or is dropped;
- "the", a trailing possessive and stray punctuation are trimmed; grammar words, titles,
  type words ("Navy", "Oblast") and unknown acronyms alone are not names, nor is
  anything with a digit or a slash (credits, times);
- two or three words opening with a known given name are a person, whatever the label;
- a single word that ends a person named in the document is that person.
"""

from __future__ import annotations

import bisect
import re

from spacy.lang.en.stop_words import STOP_WORDS

from .found import Found
from .gazetteer import Gazetteer
from .lexicon import GPE_SUFFIXES, MONTH_WORDS, ORG_HEADS, STOP_CAPS, TITLES, UNIT_HEADS
from .names import TokenView

WINDOW = 5  # tokens of context each side of an unexplained word
REPEAT = 2  # occurrences of one unexplained word the model reads
_GAP = "\n\n"
SCORE = 0.6  # below the rules: a reviewer sees these as suggestions, not certainties
LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "LOC"}
_PLACES = ("GPE", "LOC")
_TRIM_LEFT = re.compile(r"^(?:the|The)\s+")
_TRIM_RIGHT = re.compile(r"(?:['’]s?|[\s,;:!?\"“”()\[\]/-])+$")  # not ".": "U.S."


def unexplained(tv: TokenView, taken: list[Found]) -> list[int]:
    """Indices of capitalised words no found entity covers and grammar does not explain.

    A word that also occurs in lower case in the same text ("Residents", "Daily") is a
    common word capitalised by position; acronyms and words with digits are left to
    the rules (the model is unreliable on them out of context).
    """
    covered = bytearray(len(tv.words))
    k = 0
    for f in taken:
        while k < len(tv.words) and tv.ends[k] <= f.start:
            k += 1
        j = k
        while j < len(tv.words) and tv.starts[j] < f.end:
            covered[j] = 1
            j += 1
    lower = {w for w in tv.words if w[:1].islower()}
    return [k for k, w in enumerate(tv.words) if not covered[k] and _name_word(w) and w.lower() not in lower]


def _name_word(word: str) -> bool:
    if not word[:1].isupper() or len(word) < 2 or not word.replace("-", "").replace("'", "").isalpha():
        return False
    if word.isupper() or (len(word) <= 5 and sum(c.isupper() for c in word) >= 2):
        return False  # acronyms ("MoD"): the document defines them, acronyms.py resolves them
    return word not in STOP_CAPS and word not in TITLES and word not in MONTH_WORDS and word.lower() not in STOP_WORDS


def windows(tv: TokenView, words: list[int]) -> list[tuple[int, int]]:
    """Character spans of merged token windows around `words`, each inside one sentence."""
    sent = _sentence_bounds(tv)
    spans: list[list[int]] = []
    for k in words:
        lo, hi = sent[k]
        i, j = max(lo, k - WINDOW), min(hi, k + WINDOW + 1)
        if spans and i <= spans[-1][1] and lo <= spans[-1][0]:
            spans[-1][1] = max(spans[-1][1], j)
        else:
            spans.append([i, j])
    return [(tv.starts[i], tv.ends[j - 1]) for i, j in spans]


def _sentence_bounds(tv: TokenView) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for k in range(1, len(tv.words) + 1):
        if k == len(tv.words) or tv.sent_start[k]:
            bounds += [(start, k)] * (k - start)
            start = k
    return bounds


def model_names(nlp, text: str, tv: TokenView, taken: list[Found], gaz: Gazetteer, source: str) -> list[Found]:
    """Entities the model proposes for unexplained words, reconciled with what we know."""
    words = _first_occurrences(tv, unexplained(tv, taken))
    if not words:
        return []
    wanted = [tv.starts[k] for k in words]
    occupied = bytearray(len(text) + 1)
    for f in taken:
        occupied[f.start : f.end] = b"\x01" * (f.end - f.start)
    out = []
    for start, end, label in _run(nlp, text, windows(tv, words)):
        found = _reconcile(text, start, end, label, gaz, source)
        if found and not any(occupied[found.start : found.end]) and _holds_any(found, wanted):
            out.append(found)
            occupied[found.start : found.end] = b"\x01" * (found.end - found.start)
    out += _repeats(text, out, occupied)
    return _surnames_are_people(out, taken, text)


def _first_occurrences(tv: TokenView, words: list[int]) -> list[int]:
    """The model reads a word's first REPEAT occurrences; _repeats() carries its verdict on."""
    seen: dict[str, int] = {}
    out = []
    for k in words:
        seen[tv.words[k]] = seen.get(tv.words[k], 0) + 1
        if seen[tv.words[k]] <= REPEAT:
            out.append(k)
    return out


def _run(nlp, text: str, spans: list[tuple[int, int]]):
    """(start, end, label) in `text` for the model's entities in the windows, read as one
    document (one call costs far less than one per window); blank lines keep them apart."""
    pieces, offsets, pos = [], [], 0
    for s, e in spans:
        pieces.append(text[s:e])
        offsets.append((pos, pos + e - s, s))
        pos += e - s + len(_GAP)
    parsed = nlp(_GAP.join(pieces))
    starts = [o[0] for o in offsets]
    for ent in parsed.ents:
        i = bisect.bisect_right(starts, ent.start_char) - 1
        lo, hi, at = offsets[i]
        if ent.end_char <= hi:
            yield at + ent.start_char - lo, at + ent.end_char - lo, ent.label_


def _repeats(text: str, found: list[Found], occupied: bytearray) -> list[Found]:
    """Later occurrences of a name the model found, with its label."""
    out = []
    for f in {text[f.start : f.end]: f for f in found}.values():
        surface = text[f.start : f.end]
        for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
            if not any(occupied[m.start() : m.end()]):
                out.append(f._replace(start=m.start(), end=m.end(), pid="model.repeat", why=f"{f.why}, as earlier in the text"))
                occupied[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return out


def _surnames_are_people(found: list[Found], taken: list[Found], text: str) -> list[Found]:
    """ "Bastrykin" read as an organisation after "Alexander Bastrykin" is the person."""
    people = {text[f.start : f.end].split()[-1]: f for f in taken + found if f.label == "PERSON" and " " in text[f.start : f.end]}
    out = []
    for f in found:
        full = people.get(text[f.start : f.end])
        out.append(f._replace(label="PERSON", canonical=full.canonical) if full and f.label != "PERSON" else f)
    return out


def _holds_any(f: Found, starts: list[int]) -> bool:
    return any(f.start <= s < f.end for s in starts)


def _reconcile(text: str, start: int, end: int, label: str, gaz: Gazetteer, source: str) -> Found | None:
    ours = LABELS.get(label)
    if ours is None:
        return None
    start, end = _trim(text, start, end)
    surface = text[start:end]
    if not _plausible(surface):
        return None
    entry = gaz.get(surface)
    if entry is not None:  # a known name the matcher missed in this spelling or context: the gazetteer's label
        return Found(start, end, entry.label, entry.canonical, SCORE, "model.ner", f"{source} {label}, known {entry.label}")
    if ours == "PERSON" and _known_place(surface, gaz):
        return None  # the model's favourite mistake: an unfamiliar place name read as a person
    words = surface.split()
    if 2 <= len(words) <= 3 and words[0] in gaz.given_names and all(w[:1].isupper() for w in words):
        ours = "PERSON"
    return Found(start, end, ours, " ".join(surface.split()), SCORE, "model.ner", f"{source} {label}")


_TYPE_WORDS = ORG_HEADS | GPE_SUFFIXES | UNIT_HEADS | frozenset("Army Navy Oblast".split())


def _plausible(surface: str) -> bool:
    if not surface or not surface[:1].isupper() or any(c.isdigit() or c == "/" for c in surface):
        return False
    if " " not in surface and (surface.isupper() or surface in _TYPE_WORDS):
        return False  # an acronym nothing defines, or a bare type word
    return surface not in STOP_CAPS and surface not in TITLES and surface not in MONTH_WORDS


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    m = _TRIM_LEFT.match(text, start, end)
    if m:
        start = m.end()
    m = _TRIM_RIGHT.search(text[start:end])
    if m:
        end = start + m.start()
    return start, end


def _known_place(surface: str, gaz: Gazetteer) -> bool:
    return any((e := gaz.get(w)) is not None and e.label in _PLACES for w in surface.split())
