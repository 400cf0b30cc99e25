"""Rules over runs of capitalised words: people, organisations, units and places.

A run is a stretch of capitalised tokens in one sentence, with "of"/"for (the)"
allowed inside ("Institute for the Study of War"). Titles are stripped from
people ("Russian President Vladimir Putin" -> "Vladimir Putin"), organisation
names end in a head noun ("... Anti-Corruption Center"), and unknown words near
place prepositions are proposed as places with a low score.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .found import Found
from .gazetteer import Gazetteer
from .lexicon import (
    CONNECTORS,
    GPE_SUFFIXES,
    MONTH_WORDS,
    ORG_HEADS,
    PLACE_NOUNS,
    PLACE_PREPS,
    ROLES,
    SPEECH_VERBS,
    STOP_CAPS,
    TITLES,
    TITLES_IN_ORGS,
    UNIT_HEADS,
)

MAX_NAME = 3  # tokens in a personal name
_DIRECTIONS = frozenset("north south east west northeast northwest southeast southwest northern southern eastern western".split())


@dataclass
class TokenView:
    """Token texts and offsets as plain lists, plus what the gazetteer already covers."""

    words: list[str]
    starts: list[int]
    sent_start: list[bool]
    covered: list[Found | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ends = [s + len(w) for s, w in zip(self.starts, self.words)]
        if not self.covered:
            self.covered = [None] * len(self.words)

    def span(self, i: int, j: int) -> tuple[int, int]:
        return self.starts[i], self.ends[j - 1]

    def text(self, i: int, j: int) -> str:
        return " ".join(self.words[i:j])


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _hyphen_adjective(word: str) -> bool:
    """ "Kremlin-controlled", "Western-provided": a modifier, not part of a name."""
    return "-" in word and any(part[:1].islower() for part in word.split("-")[1:])


def name_like(tv: TokenView, k: int) -> bool:
    w = tv.words[k]
    cov = tv.covered[k]
    return (
        _is_cap(w)
        and w not in STOP_CAPS
        and w not in TITLES
        and w not in MONTH_WORDS
        and w not in ORG_HEADS
        and not (w.isupper() and len(w) > 1)
        and not _hyphen_adjective(w)
        and any(c.isalpha() for c in w)
        and (cov is None or cov.label == "PERSON")
    )


def cap_runs(tv: TokenView) -> list[tuple[int, int]]:
    """Maximal runs [i, j) of capitalised tokens joined by connectors, within a sentence."""
    runs, i, n = [], 0, len(tv.words)
    while i < n:
        if not _is_cap(tv.words[i]):
            i += 1
            continue
        j = i + 1
        while j < n and not tv.sent_start[j]:
            if _is_cap(tv.words[j]):
                j += 1
            elif tv.words[j] in CONNECTORS and _connects(tv, j):
                j += 2 if tv.words[j + 1] == "the" else 1
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def _connects(tv: TokenView, j: int) -> bool:
    nxt = j + 1
    if nxt < len(tv.words) and tv.words[nxt] == "the" and tv.words[j] in ("of", "for"):
        nxt += 1
    return nxt < len(tv.words) and not tv.sent_start[nxt] and _is_cap(tv.words[nxt])


def _names_from(tv: TokenView, k: int, end: int) -> int:
    """End index of the personal name starting at token k (k itself if none)."""
    j = k
    while j < end and j - k < MAX_NAME and name_like(tv, j):
        j += 1
    return j


def _trailing_names(tv: TokenView, after: int, end: int, gaz: Gazetteer) -> int:
    """Start of the name-like tokens that end the run (end itself if none).

    Two words at most unless a known given name starts three: in "Commissioner for
    Human Rights Volker Türk" the office's last word is not part of the name.
    """
    k = end
    while k > after + 1 and end - k < MAX_NAME and name_like(tv, k - 1):
        k -= 1
    if end - k > 2 and tv.words[k] not in gaz.given_names:
        k = end - 2
    return k


def _person(tv: TokenView, i: int, j: int, gaz: Gazetteer, pid: str, score: float, why: str) -> Found:
    name = tv.text(i, j)
    entry = gaz.get(name)
    canonical = entry.canonical if entry and entry.label == "PERSON" else name
    return Found(*tv.span(i, j), "PERSON", canonical, score, pid, why)


def titled_people(tv: TokenView, i: int, j: int, gaz: Gazetteer) -> list[Found]:
    """ "Ukrainian Air Force Spokesperson Colonel Yuriy Ihnat" -> PERSON "Yuriy Ihnat"."""
    titles = [k for k in range(i, j) if tv.words[k] in TITLES]
    if titles:
        t = titles[-1]
        end = _names_from(tv, t + 1, j)
        if end > t + 1:
            return [_person(tv, t + 1, end, gaz, "person.title", 0.9, f"after title {tv.words[t]!r}")]
        start = _trailing_names(tv, t, j, gaz)
        if start < j and j - start >= 2:
            return [_person(tv, start, j, gaz, "person.title", 0.8, f"ends a run with title {tv.words[t]!r}")]
        return []
    if i > 0 and tv.words[i - 1] in ROLES:
        end = _names_from(tv, i, j)
        if end > i:
            return [_person(tv, i, end, gaz, "person.role", 0.8, f"after role {tv.words[i - 1]!r}")]
    return []


def given_name_people(tv: TokenView, i: int, j: int, gaz: Gazetteer) -> list[Found]:
    """ "Maria Lvova-Belova": a known given name followed by one or two more names."""
    out = []
    k = i
    while k < j:
        if tv.words[k] in gaz.given_names and (tv.covered[k] is None or tv.covered[k].label == "PERSON"):
            end = _names_from(tv, k + 1, j)
            if end > k + 1:
                out.append(_person(tv, k, end, gaz, "person.given", 0.75, f"given name {tv.words[k]!r}"))
                k = end
                continue
        k += 1
    return out


def speaking_people(tv: TokenView, i: int, j: int, gaz: Gazetteer) -> list[Found]:
    """ "..., Renat Karchaa, claimed": two or three unknown names before a verb of saying."""
    if not 2 <= j - i <= MAX_NAME or any(not name_like(tv, k) or tv.covered[k] for k in range(i, j)):
        return []
    k = j + 1 if j < len(tv.words) and tv.words[j] == "," else j
    while k < len(tv.words) and tv.words[k].isspace():
        k += 1
    if k < len(tv.words) and tv.words[k] in SPEECH_VERBS:
        return [_person(tv, i, j, gaz, "person.speaker", 0.6, f"before {tv.words[k]!r}")]
    return []


def _left_edge(tv: TokenView, i: int, head: int) -> int:
    k = head
    while k > i and _extends_left(tv, k - 1):
        k -= 1
    return k


def _extends_left(tv: TokenView, k: int) -> bool:
    w = tv.words[k]
    cov = tv.covered[k]
    return (
        _is_cap(w)
        and (w not in TITLES or w in TITLES_IN_ORGS)
        and (w not in STOP_CAPS or (cov is not None and cov.label == "NORP"))
        and not _hyphen_adjective(w)
        and (cov is None or cov.label in ("NORP", "GPE", "ORG"))
    )


def _right_edge(tv: TokenView, head: int, j: int) -> int:
    """Extend "Ministry" over "of Emergency Situations" to the end of the run."""
    k = head + 1
    if k < j and tv.words[k] in ("of", "for"):
        end = j
        for m in range(k + 1, j):
            if tv.words[m] in TITLES or (tv.covered[m] and tv.covered[m].label == "PERSON"):
                end = m
                break
        while end > k + 1 and tv.words[end - 1] in CONNECTORS:
            end -= 1
        return end if end > k + 1 else head + 1
    return head + 1


def headed_names(tv: TokenView, i: int, j: int) -> list[Found]:
    """Organisations, units and places named by their last word ("... Brigade")."""
    out = []
    for k in range(i, j):
        word = tv.words[k]
        if word in ORG_HEADS:
            label, pid, score = "ORG", "org.head", 0.75
        elif word in UNIT_HEADS:
            label, pid, score = "MILITARY_UNIT", "unit.named", 0.75
        elif word in GPE_SUFFIXES:
            label, pid, score = "GPE", "gpe.suffix", 0.8
        else:
            continue
        start = _left_edge(tv, i, k)
        if start == k:
            continue
        end = _right_edge(tv, k, j) if label != "GPE" else k + 1
        name = tv.text(start, end)
        out.append(Found(*tv.span(start, end), label, name, score, pid, f"ends in {word!r}"))
    return out


def fuzzy_names(tv: TokenView, i: int, j: int, gaz: Gazetteer) -> list[Found]:
    """An unknown run within a couple of edits of a known name: a variant or typo."""
    while i < j and not name_like(tv, i):
        i += 1
    if i >= j or j - i > MAX_NAME or any(not name_like(tv, k) for k in range(i, j)):
        return []
    if any(tv.covered[k] for k in range(i, j)):
        return []
    if j - i == 1 and (tv.sent_start[i] or tv.words[i] in gaz.given_names):
        return []  # a lone sentence-initial word is usually just a word
    hit = gaz.fuzzy(tv.text(i, j))
    if hit is None or _derived_adjective(tv.text(i, j), hit[1]):
        return []
    entry, alias = hit
    return [Found(*tv.span(i, j), entry.label, entry.canonical, 0.6, "gaz.fuzzy", f"close to {alias!r}")]


def _derived_adjective(word: str, name: str) -> bool:
    """ "Crimean" from "Crimea", "Syrian" from "Syria": an adjective, not a misspelt name."""
    return word.startswith(name[:-1]) and word.endswith(("n", "an", "ian", "ese", "ish", "i"))


def context_places(tv: TokenView, i: int, j: int) -> list[Found]:
    """ "near Sushany", "the village of Tsyrkuny", "west of Kreminna"."""
    if j - i > 2 or i == 0 or tv.sent_start[i]:
        return []
    if any(not name_like(tv, k) or tv.covered[k] for k in range(i, j)):
        return []
    before = tv.words[i - 1]
    before2 = tv.words[i - 2] if i > 1 else ""
    if before == "of" and (before2 in PLACE_NOUNS or before2 in _DIRECTIONS):
        return [Found(*tv.span(i, j), "GPE", tv.text(i, j), 0.7, "gpe.placenoun", f"after '{before2} of'")]
    if before in PLACE_PREPS:
        return [Found(*tv.span(i, j), "GPE", tv.text(i, j), 0.45, "gpe.context", f"after {before!r}")]
    return []


def run_rules(tv: TokenView, gaz: Gazetteer) -> list[Found]:
    out: list[Found] = []
    for i, j in cap_runs(tv):
        people = titled_people(tv, i, j, gaz) or given_name_people(tv, i, j, gaz) or speaking_people(tv, i, j, gaz)
        headed = headed_names(tv, i, j)
        found = people + headed
        if not found:
            found = fuzzy_names(tv, i, j, gaz) or context_places(tv, i, j)
        out.extend(found)
    return out
