"""Entity candidates for one document: gazetteer, rules, then document-level aliases.

Order matters: known names first (they also tell the rules which words are taken),
then the capitalised-run rules, then what the document itself defines — acronyms in
parentheses and surnames of people already named in full — and finally dates and
quantities. Overlaps keep the longest span.
"""

from __future__ import annotations

import bisect
import re
from datetime import date

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .dates import find_dates
from .found import Found, resolve_overlaps
from .gazetteer import Gazetteer
from .names import TokenView, run_rules
from .numbers import find_quantities
from .units import find_numbered_units

_NAMED = ("PERSON", "ORG", "GPE", "LOC", "MILITARY_UNIT")


def token_view(doc: Doc) -> TokenView:
    words, starts = doc.user_data["words"], doc.user_data["starts"]
    seg_starts = {s.start for s in doc.user_data["segments"]}
    return TokenView(words, starts, [s in seg_starts for s in starts])


def _gaz_score(label: str, surface: str) -> float:
    if label == "NORP":
        return 0.85
    return 0.8 if surface.isupper() else 0.9  # bare acronyms are more often ambiguous


def gazetteer_matches(doc: Doc, matcher: PhraseMatcher, tv: TokenView, gaz: Gazetteer) -> list[Found]:
    strings = doc.vocab.strings
    out = []
    for key, i, j in matcher(doc):
        label, kind, canonical = strings[key].split("|", 2)
        pid = "gaz.learned" if kind == "learned" else f"gaz.{label.lower()}"
        score = _gaz_score(label, tv.words[i])
        found = Found(*tv.span(i, j), label, canonical, score, pid, f"known {kind}")
        out.append(_river(found, tv, i, j, gaz))
    return _longest_per_token(out, tv)


def _river(found: Found, tv: TokenView, i: int, j: int, gaz: Gazetteer) -> Found:
    """ "the right bank of the Dnipro": with an article, a city's name is its river's."""
    if found.label != "GPE" or i == 0 or tv.words[i - 1].lower() != "the":
        return found
    river = gaz.get(f"{tv.text(i, j)} River")
    if river is None or river.label != "LOC":
        return found
    return found._replace(label="LOC", canonical=river.canonical, pid="gaz.river", why="'the' + a river's name")


def _longest_per_token(found: list[Found], tv: TokenView) -> list[Found]:
    kept = resolve_overlaps(found)
    index = {s: k for k, s in enumerate(tv.starts)}
    for f in kept:
        k = index[f.start]
        while k < len(tv.starts) and tv.starts[k] < f.end:
            tv.covered[k] = f
            k += 1
    return kept


def hyphen_parts(tv: TokenView, gaz: Gazetteer) -> list[Found]:
    """Places inside a front-line name: "Kupyansk-Svatove-Kreminna" -> three places."""
    out = []
    for k, word in enumerate(tv.words):
        if "-" not in word or tv.covered[k] or not all(p[:1].isupper() for p in word.split("-")):
            continue
        offset = tv.starts[k]
        for part in word.split("-"):
            entry = gaz.get(part)
            if entry and entry.label in ("GPE", "LOC"):
                out.append(Found(offset, offset + len(part), entry.label, entry.canonical, 0.85, "gaz.part", f"part of {word!r}"))
            offset += len(part) + 1
    return out


def shouted_places(tv: TokenView, gaz: Gazetteer) -> list[Found]:
    """Datelines and headlines in capitals: "KYIV, Nov 3" -> Kyiv."""
    out = []
    for k, word in enumerate(tv.words):
        if len(word) >= 3 and word.isupper() and word.isalpha() and tv.covered[k] is None:
            entry = gaz.get(word.title())
            if entry and entry.label in ("GPE", "LOC"):
                out.append(Found(tv.starts[k], tv.ends[k], entry.label, entry.canonical, 0.75, "gaz.caps", f"{word.title()!r} in capitals"))
    return out


def numbered_units(text: str) -> list[Found]:
    return [Found(s, e, "MILITARY_UNIT", " ".join(text[s:e].split()), 0.9, "unit.numbered", "numbered formation") for s, e in find_numbered_units(text)]


def acronyms(tv: TokenView, named: list[Found]) -> tuple[list[Found], dict[str, Found]]:
    """ "Danish Ministry of Defense (MoD)": the acronym names what precedes it."""
    by_end = {f.end: f for f in named}
    out, aliases = [], {}
    for k in range(1, len(tv.words) - 2):
        word = tv.words[k + 1]
        if tv.words[k] != "(" or tv.words[k + 2] != ")" or sum(c.isupper() for c in word) < 2:
            continue
        before = by_end.get(tv.ends[k - 1]) or by_end.get(tv.starts[k] - 1)
        if before is None or before.label not in _NAMED:
            continue
        start = tv.starts[k + 1]
        found = Found(start, start + len(word), before.label, before.canonical, 0.85, "acronym.paren", f"defines {before.canonical!r}")
        out.append(found)
        aliases[word] = found
    return out, aliases


def surnames(named: list[Found], text: str) -> dict[str, Found]:
    """The last word of each full personal name, to resolve later bare surnames."""
    out = {}
    for f in named:
        if f.label == "PERSON":
            words = text[f.start : f.end].split()
            if len(words) >= 2:
                out.setdefault(words[-1], f)
    return out


def propagate(tv: TokenView, aliases: dict[str, Found], taken: list[Found]) -> list[Found]:
    """Bare surnames and acronyms defined earlier in the document."""
    occupied = {k for f in taken for k in _tokens_in(tv, f)}
    out = []
    for k, word in enumerate(tv.words):
        f = aliases.get(word)
        if f is not None and k not in occupied and tv.starts[k] != f.start:
            pid = "person.surname" if f.label == "PERSON" else "alias.acronym"
            out.append(Found(tv.starts[k], tv.ends[k], f.label, f.canonical, 0.85, pid, f"refers to {f.canonical!r}"))
    return out


def _tokens_in(tv: TokenView, f: Found) -> range:
    return range(bisect.bisect_left(tv.starts, f.start), bisect.bisect_left(tv.starts, f.end))


def _resolve_short_people(named: list[Found], aliases: dict[str, Found], text: str) -> list[Found]:
    """A one-word PERSON ("President Zelensky") takes the full name found elsewhere."""
    out = []
    for f in named:
        full = aliases.get(text[f.start : f.end]) if f.label == "PERSON" and " " not in text[f.start : f.end] else None
        out.append(f._replace(canonical=full.canonical) if full and full.canonical else f)
    return out


def dates_and_quantities(text: str, ref: date | None) -> list[Found]:
    """Dates, then quantities that do not overlap a date ("April 5 that ..." is no count)."""
    dates = [Found(d.start, d.end, "DATE", d.iso, _date_score(d.pattern), d.pattern, "date expression") for d in find_dates(text, ref)]
    taken = bytearray(len(text) + 1)
    for d in dates:
        taken[d.start : d.end] = b"\x01" * (d.end - d.start)
    quantities = [
        Found(q.start, q.end, "QUANTITY", None, 0.75, q.pattern, "number with a unit") for q in find_quantities(text) if not any(taken[q.start : q.end])
    ]
    return dates + quantities


def _date_score(pattern: str) -> float:
    return {"date.year": 0.7, "date.vague": 0.6}.get(pattern, 0.9)


def find_entities(doc: Doc, gaz: Gazetteer, matcher: PhraseMatcher, ref: date | None, model=None) -> list[Found]:
    """`model`: a callable (text, token view, found so far) -> more names, or None."""
    text = doc.user_data["text"]
    tv = token_view(doc)
    known = gazetteer_matches(doc, matcher, tv, gaz)
    rules = hyphen_parts(tv, gaz) + shouted_places(tv, gaz) + numbered_units(text) + run_rules(tv, gaz)
    named = resolve_overlaps(known + rules)
    values = dates_and_quantities(text, ref)
    if model is not None:  # before the aliases, so a new name's surname and acronym follow it
        named = resolve_overlaps(named + model(text, tv, resolve_overlaps(named + values)))
    acro, aliases = acronyms(tv, named)
    aliases = {**surnames(named, text), **aliases}
    named = _resolve_short_people(named, aliases, text)
    named = resolve_overlaps(named + acro + propagate(tv, aliases, named + acro))
    return resolve_overlaps(conventions(named, text, gaz) + values)


_TYPE_NOUNS = frozenset("dam bridge plant station city port airport base".split())  # part of a name only capitalised
_POSSESSIVE = ("'s ", "’s ")


def conventions(named: list[Found], text: str, gaz: Gazetteer) -> list[Found]:
    """Span edges as annotators draw them (the dev corpus README, after OntoNotes):
    a leading lower-case "the" is not part of a name, a possessive splits a span
    ("Russia" + "Defense Ministry"), and a lower-case type word after a name is not
    part of it ("Kakhovka" dam)."""
    out = []
    for f in named:
        if text.startswith("the ", f.start) and f.end - f.start > 4:
            f = f._replace(start=f.start + 4)
        out += _split_possessive(f, text, gaz)
    return [_drop_type_noun(f, text, gaz) for f in out]


def _split_possessive(f: Found, text: str, gaz: Gazetteer) -> list[Found]:
    surface = text[f.start : f.end]
    cut = max(surface.find(p) for p in _POSSESSIVE)
    if cut <= 0 or f.label not in ("ORG", "MILITARY_UNIT"):
        return [f]
    owner = gaz.get(surface[:cut])
    rest = f._replace(start=f.start + cut + 3)
    if owner is None:
        return [rest]
    return [Found(f.start, f.start + cut, owner.label, owner.canonical, f.score, f.pid, "owner in a possessive"), rest]


def _drop_type_noun(f: Found, text: str, gaz: Gazetteer) -> Found:
    words = text[f.start : f.end].split(" ")
    if len(words) < 2 or words[-1] not in _TYPE_NOUNS:
        return f
    rest = " ".join(words[:-1])
    entry = gaz.get(rest)
    label, canonical = (entry.label, entry.canonical) if entry else (f.label, f.canonical)
    return f._replace(end=f.start + len(rest), label=label, canonical=canonical, why=f"{f.why}; lower-case {words[-1]!r} left out")


# Dates an annotator marks as entities: a day, a month of a year, a range of them. Weekdays,
# "yesterday", "last week", lone months and bare years still date claims (eventdate.py)
# but are not proposed as DATE entities, and a time of day is not part of the date.
EXPLICIT_DATES = frozenset("date.day date.full date.iso date.monthrange date.monthyear date.night date.range".split())
_TIME = re.compile(r",?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*\(?[A-Z]{2,4}\)?)?$")


def proposed(found: list[Found], text: str) -> list[Found]:
    """The entities worth a reviewer's look, out of everything the claims rules use."""
    out = []
    for f in found:
        if f.label == "DATE":
            if f.pid not in EXPLICIT_DATES:
                continue
            m = _TIME.search(text, f.start, f.end)
            if m and m.end() == f.end and m.start() > f.start:
                f = f._replace(end=m.start())
        out.append(f)
    return out
