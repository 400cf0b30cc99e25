"""What two claims have in common: the features a link suggestion is scored and explained by.

`Facts` is what one claim offers (its terms, entities, cues, numbers, dates, clocks),
computed once per claim; `compare()` measures a pair against a `Weights` context that
says how telling each word and entity is in this record (rarer = more telling).
"""

import math
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from rapidfuzz import fuzz

from annotate.linking import cues
from annotate.linking.canonical import Groups
from annotate.store.terms import WORD, is_content, stem, stems, words

FRAME = "≈"  # prefix of a kind-of-event pseudo-term ("≈control")
FUZZY_NAME = 85  # rapidfuzz ratio at which two capitalised words are taken as spellings of one name
TIME_SCALE = 30.0  # days over which nearness in time fades


@dataclass
class Facts:
    id: int
    document_id: int
    quote: str
    claimant: str | None = None
    claimant_entity_id: int | None = None
    event_date: str | None = None
    published: str | None = None
    entity_ids: list = field(default_factory=list)
    negated: bool = False
    hedged: bool = False
    status: str = "candidate"
    # How the claim stands in its report (read by the pair judge as a prior on the candidate):
    reporting_verb: str | None = None
    event_date_inferred: bool = False
    start: int = 0
    document_length: int = 0

    def __post_init__(self):
        self.tokens = words(self.quote)
        found = [w for w in self.tokens if is_content(w)]
        self.term_words: dict[str, str] = {}  # stem → the word as written, for reasons
        for word, term in zip(found, stems(found)):
            self.term_words.setdefault(term, word)
        for frame in cues.frames(self.tokens):  # the kind of event counts as one more shared word
            self.term_words.setdefault(FRAME + frame, FRAME + frame)
        self.terms = set(self.term_words)
        self.day = to_date(self.published) or to_date(self.event_date)
        self.event_day = to_date(self.event_date)

    # Cues are read lazily: scoring needs few of them, relation guesses only for the top suggestions.
    @cached_property
    def names(self) -> set[str]:
        return {w for w in WORD.findall(self.quote) if w[:1].isupper() and len(w) >= 5}

    @cached_property
    def denial(self) -> list[str]:
        return cues.found(self.tokens, cues.DENIAL)

    @cached_property
    def negation(self) -> list[str]:
        return cues.found(self.tokens, cues.NEGATION)

    @cached_property
    def hedges(self) -> list[str]:
        return cues.hedges(self.quote)

    @cached_property
    def completion(self) -> list[str]:
        return cues.completions(self.tokens)

    @cached_property
    def negated_terms(self) -> set[str]:
        """Terms and kinds of event inside the reach of a negation or denial."""
        reached = cues.negated_terms(self.tokens)
        return set(stems(list(reached))) | {FRAME + cues.FRAME_OF[w] for w in reached if w in cues.FRAME_OF}

    @cached_property
    def persistence(self) -> list[str]:
        return cues.found(self.tokens, cues.PERSISTENCE)

    @cached_property
    def numbers(self) -> set[str]:
        return cues.numbers(self.quote, self.tokens)

    @cached_property
    def dates(self) -> set[str]:
        return cues.dates(self.tokens)


@dataclass
class Weights:
    """How telling words and entities are: idf over the record, with a default for unknowns."""

    terms: dict[str, float]
    entities: dict[int, float]  # by canonical entity id
    groups: Groups
    names: dict[int, str]  # canonical entity id → display name

    def __post_init__(self):
        self.default_term = _mean(self.terms)
        self._totals: dict[int, float] = {}

    def total(self, facts: "Facts") -> float:
        """Summed weight of a claim's terms (memoised: the claim asked about is compared with every candidate)."""
        if facts.id not in self._totals:
            self._totals[facts.id] = sum(self.term(t) for t in facts.terms)
        return self._totals[facts.id]

    def term(self, t: str) -> float:
        return self.terms.get(t, self.default_term)

    def entity(self, e: int) -> float:
        return self.entities.get(e) or _mean(self.entities)


def _mean(values: dict) -> float:
    return sum(values.values()) / len(values) if values else 1.0


def idf(total: int, count: int) -> float:
    return math.log(1 + max(total, 1) / max(count, 1))


def to_date(value: str | None) -> date | None:
    """'2023-05-21', '2023-05' (first of month), '2023', or the start of a 'a/b' range."""
    if not value:
        return None
    parts = value.split("/")[0].strip()[:10].split("-") + ["1", "1"]
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except (ValueError, IndexError):
        return None


def compare(a: Facts, b: Facts, w: Weights) -> dict:
    """Features of the pair (a, b), each with the evidence a reviewer can read."""
    words, lexical = _shared_words(a, b, w)
    entities, entity_score = _shared_entities(a, b, w)
    days = (b.day - a.day).days if a.day and b.day else None
    event_days = (b.event_day - a.event_day).days if a.event_day and b.event_day else None
    gap = event_days if event_days is not None else days
    return {
        "lexical": lexical,
        "shared_words": words,
        "entity": entity_score,
        "shared_entities": entities,
        "claimant": same_claimant(a, b, w.groups),
        "shared_numbers": sorted(a.numbers & b.numbers),
        "numbers_differ": bool(a.numbers and b.numbers and not a.numbers & b.numbers),
        "shared_dates": sorted(a.dates & b.dates - {d for d in a.dates if len(d) == 4}),
        "same_question": bool(entities) and any(t.startswith(FRAME) for t in a.terms & b.terms),
        "days": days,
        "time": math.exp(-abs(gap) / TIME_SCALE) if gap is not None else 0.5,
    }


def _shared_words(a: Facts, b: Facts, w: Weights) -> tuple[list[str], float]:
    """Shared terms (and near-identical names: Kupyansk ~ Kupiansk), idf-weighted, cosine-like in [0, 1]."""
    shared = {t: w.term(t) for t in a.terms & b.terms}
    only_b = {n.lower() for n in b.names} - {n.lower() for n in a.names}
    for name in a.names:
        if stem(name.lower()) in shared:
            continue
        match = next((o for o in only_b if fuzz.ratio(name.lower(), o) >= FUZZY_NAME), None)
        if match:
            shared[f"{name} ~ {match.title()}"] = w.term(stem(name.lower()))
    total_a, total_b = w.total(a), sum(w.term(t) for t in b.terms)
    if not shared or not total_a or not total_b:
        return [], 0.0
    score = min(1.0, sum(shared.values()) / math.sqrt(total_a * total_b))
    return [a.term_words.get(t, t) for t in sorted(shared, key=lambda t: -shared[t])], score


def _shared_entities(a: Facts, b: Facts, w: Weights) -> tuple[list[str], float]:
    mine = {w.groups.canonical(e) for e in a.entity_ids}
    theirs = {w.groups.canonical(e) for e in b.entity_ids}
    shared = mine & theirs
    if not shared:
        return [], 0.0
    score = sum(w.entity(e) for e in shared) / math.sqrt(sum(w.entity(e) for e in mine) * sum(w.entity(e) for e in theirs))
    ranked = sorted(shared, key=lambda e: -w.entity(e))
    return [w.names.get(e, f"entity {e}") for e in ranked], min(1.0, score)


def same_claimant(a: Facts, b: Facts, groups: Groups) -> bool:
    if a.claimant_entity_id and b.claimant_entity_id:
        if groups.canonical(a.claimant_entity_id) == groups.canonical(b.claimant_entity_id):
            return True
    mine, theirs = _name_words(a.claimant), _name_words(b.claimant)
    return bool(mine and theirs and (mine == theirs or mine[-1] == theirs[-1]))


def _name_words(name: str | None) -> list[str]:
    return [t.lower() for t in WORD.findall(name or "")]
