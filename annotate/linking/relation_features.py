"""What tells how two linked claims relate: cues of one claim and of the pair, read in time order.

Every pair feature is symmetric — the same pair gives the same row whichever claim is asked
about — because the relation of a pair does not depend on where the reviewer stands. A
feature that needs an order (hedged earlier, done later; a larger amount later) reads the
pair older → newer by publication day, then by event day; on a tie it holds if it holds
either way round.

The cues are generic: hedges and completion words, denial and negation, amounts, the
claimants' names, the country a claim holds responsible, days apart. Nothing here knows any
one story.
"""

import math
import re
from collections.abc import Callable
from functools import lru_cache

from rapidfuzz import fuzz

from annotate.linking import cues
from annotate.linking.features import Facts

SAME_NAME = 80  # rapidfuzz ratio at which two claimants' names are one speaker spelt two ways
LOOKS_BACK = 7  # a claim dated this many days before its report tells of an older event
NEAR_EVENT = 3  # event days this close are one event

FEATURES = (
    "lexical",
    "cosine",
    "entity",
    "claimant",
    "claimant_alike",
    "claimants_differ",
    "shared_numbers",
    "amounts_differ",
    "later_amount_larger",
    "one_denies",
    "one_negative",
    "both_negative",
    "log_days",
    "same_day",
    "weeks_apart",
    "same_event_day",
    "event_gap",
    "looks_back",
    "hedged_then_done",
    "hedged_then_definite",
    "future_then_past",
    "unanswered_then_answered",
    "later_hedged",
    "stances_clash",
    "stances_agree",
    "evidence",
)

# Words of a claimant's description that name no one in particular.
_GENERIC = frozenset(
    """the of a an and in for via to on at its his her their
    ministry ministries office service services agency group groups forces force military army command spokesman
    spokesperson spokeswoman press head chief deputy adviser advisor source sources official officials authorities
    state media reports report defense defence security intelligence general staff president presidency government
    operational strategic""".split()
)
# Words after which the next country named (within so many words) is the one held responsible.
AGENT_CUES = {w: 5 for w in "by accuse accuses accused accusing blame blames blamed blaming responsibility".split()}
AGENT_CUES |= {"on": 3}  # "blamed the destruction on Ukraine"
# Verbs that make a country named just before them the doer ("Ukrainian forces shelled").
AGENT_VERBS = frozenset(
    """attack attacks attacked strike strikes struck shell shelled shelling bomb bombed bombing destroy destroyed blew
    blow detonate detonated sabotage sabotaged organize organized organised execute executed carried staged plant
    planted trigger triggered order ordered hit fired launched responsible behind""".split()
)
# A claim that calls an accusation untrue without a denial verb.
UNTRUE = frozenset("insinuation insinuations slander fiction fabrication hoax".split())
NOT_SO = frozenset("true correspond involved responsible behind caused".split())  # "not true", "not involved"
# It will (or is meant to) happen: what a later report can say happened.
FUTURE = frozenset("will shall going plan plans planned intend intends expect expects soon".split())
# Someone would not say, or it was not known: a later report can answer it.
UNANSWERED = re.compile(
    r"\b(?:(?:declin|refus)(?:ed|es|ing) to (?:say|comment|confirm|provide|give|disclose|discuss)|stopped short|no comment"
    r"|unclear|unconfirmed|unverified|(?:not|n['’]t) (?:comment|say|confirm|disclose))\b"
)
EVIDENCE = frozenset(
    """evidence findings finding concluded conclusion confirm confirms confirmed investigation investigators experts
    footage geolocated geolocation analysis indicates shows showed proof proves""".split()
)
SCALE = {"hundred": 100, "hundreds": 100, "thousand": 1000, "thousands": 1000, "million": 1_000_000, "millions": 1_000_000}
SMALL = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
# Seats of government that speak for their country, as capitals do (claimants.CAPITALS).
SEATS = {"kremlin": "Russia", "white house": "United States", "pentagon": "United States", "downing street": "United Kingdom"}


def pair_features(a: Facts, b: Facts, f: dict) -> list[float]:
    """The cues of the pair (a, b), in FEATURES order: the same row for (b, a)."""
    days = abs(f["days"]) if f["days"] is not None else 0
    event_gap = abs((a.event_day - b.event_day).days) if a.event_day and b.event_day else None
    clash, agree = stances(a, b)
    return [
        f["lexical"],
        f.get("cosine", 0.0),
        f["entity"],
        float(f["claimant"]),
        float(same_speaker(a, b, f)),
        float(bool(a.claimant and b.claimant) and not same_speaker(a, b, f)),
        float(bool(f["shared_numbers"])),
        float(amounts_differ(a, b)),
        ordered(a, b, f, larger_later),
        float(bool(a.denial) != bool(b.denial)),
        float(negative(a) != negative(b)),
        float(negative(a) and negative(b)),
        math.log1p(days) / 5,
        float(days == 0),
        float(days >= 14),
        float(event_gap == 0),
        math.log1p(event_gap if event_gap is not None else 30) / 5,
        ordered(a, b, f, lambda old, new: looks_back(new) and near_event(old, new)),
        ordered(a, b, f, lambda old, new: hedged(old) and bool(new.completion) and not new.hedges),
        ordered(a, b, f, lambda old, new: hedged(old) and not hedged(new) and not negative(new)),
        ordered(a, b, f, future_then_past),
        ordered(a, b, f, unanswered_then_answered),
        ordered(a, b, f, lambda old, new: bool(new.hedges) and not old.hedges),
        clash,
        agree,
        float(bool((set(a.tokens) | set(b.tokens)) & EVIDENCE)),
    ]


# --- one claim ----------------------------------------------------------------------------


def negative(x: Facts) -> bool:
    """The claim says no: a denial, a negation, or "unlikely"."""
    return bool(x.denial or x.negation or x.negated or set(x.tokens) & cues.NEGATIVE_HEDGE)


def hedged(x: Facts) -> bool:
    return bool(x.hedges or x.hedged)


def agent(x: Facts) -> str | None:
    """The country the claim first holds responsible: "by Russian forces", "accused Kyiv of", "blamed …
    on Ukraine", "Ukrainian forces shelled", "responsibility for the … attack" naming its side."""
    tokens = x.tokens
    for i, w in enumerate(tokens):
        reach = AGENT_CUES.get(w)
        if reach:
            country = next((c for t in tokens[i + 1 : i + 1 + reach] if (c := country_of(t))), None)
        elif (country := country_of(w)) is not None:
            country = country if any(t in AGENT_VERBS for t in tokens[i + 1 : i + 4]) else None
        if country:
            return country
    return None


def disowns(x: Facts) -> bool:
    """The claim says an accusation is untrue ("denied", "not true", "nothing but insinuations")."""
    tokens = x.tokens
    if x.denial or set(tokens) & UNTRUE:
        return True
    return any(w in cues.NEGATION and set(tokens[i + 1 : i + 3]) & NOT_SO for i, w in enumerate(tokens))


def amounts(x: Facts) -> frozenset[float]:
    """Amounts in digits or words ("a thousand", "three", "1,294"); not years, not days of a month."""
    found = {float(n) for n in x.numbers}
    for i, w in enumerate(x.tokens):
        before = x.tokens[i - 1] if i else ""
        if w in SCALE:
            if before.isdigit():
                found.discard(float(before))
            found.add(float(before) * SCALE[w] if before.isdigit() else SMALL.get(before, 1) * SCALE[w])
        elif w in SMALL and SMALL[w] > 1 and (x.tokens[i + 1 : i + 2] or [""])[0] not in SCALE:
            found.add(float(SMALL[w]))
    return frozenset(found)


def looks_back(x: Facts) -> bool:
    """The claim tells of an event well before its report came out (a relay, a recap)."""
    return bool(x.event_day and x.published and x.day and (x.day - x.event_day).days >= LOOKS_BACK)


def country_of(word: str) -> str | None:
    """The country a lower-cased word names: its name, its adjective or its capital."""
    return _countries().get(word)


def sides(claimant: str | None) -> frozenset[str]:
    """The countries a claimant's description names ("Russian Ministry of Defense" → Russia)."""
    text = (claimant or "").lower()
    found = {country for seat, country in SEATS.items() if seat in text}
    return frozenset(found | {c for w in re.findall(r"[^\W\d_]+", text) if (c := country_of(w))})


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    from annotate.preannotate.claimants import CAPITALS, demonym
    from annotate.preannotate.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    out: dict[str, str] = {}
    for entry, names in gaz.rows:
        if entry.kind == "country":
            adjective = demonym(entry.canonical, gaz)
            for name in [entry.canonical, *names, *([adjective, adjective + "s"] if adjective else [])]:
                if " " not in name:
                    out.setdefault(name.lower(), entry.canonical)
    for capital, country in CAPITALS.items():
        out.setdefault(capital.lower(), country)
    for seat, country in SEATS.items():
        out.setdefault(seat, country)
    return out


# --- the pair ---------------------------------------------------------------------------------


def same_speaker(a: Facts, b: Facts, f: dict) -> bool:
    """One claimant, or two descriptions of one: "Vasyl Maliuk" / "Vasily Malyuk",
    "Khortytsia" / "Ukrainian Khortitsa operational-strategic group"."""
    if f["claimant"]:
        return True
    mine, theirs = _name_words(a.claimant), _name_words(b.claimant)
    return any(fuzz.ratio(x, y) >= SAME_NAME for x in mine for y in theirs)


def _name_words(name: str | None) -> list[str]:
    found = [w.lower() for w in re.findall(r"[^\W\d_]+", name or "")]
    return [w for w in found if len(w) >= 4 and w not in _GENERIC and not country_of(w)]


def stances(a: Facts, b: Facts) -> tuple[float, float]:
    """(clash, agree) on who is responsible, a claim that disowns the accusation turning its answer round."""
    mine, theirs = agent(a), agent(b)
    if not mine or not theirs:
        return 0.0, 0.0
    same_answer = (mine == theirs) == (disowns(a) == disowns(b))
    return float(not same_answer), float(same_answer)


def amounts_differ(a: Facts, b: Facts) -> bool:
    mine, theirs = amounts(a), amounts(b)
    return bool(mine and theirs and not mine & theirs)


def larger_later(old: Facts, new: Facts) -> bool:
    return amounts_differ(old, new) and max(amounts(new)) > max(amounts(old))


def future_then_past(old: Facts, new: Facts) -> bool:
    """The older claim says it will happen, the newer one that it did."""
    return bool(set(old.tokens) & FUTURE) and not set(new.tokens) & FUTURE and bool(new.completion)


def unanswered_then_answered(old: Facts, new: Facts) -> bool:
    """Someone would not say (or it was unclear); later it is said plainly."""
    return bool(UNANSWERED.search(old.quote.lower())) and not negative(new) and not hedged(new)


def near_event(old: Facts, new: Facts) -> bool:
    """Event days within NEAR_EVENT, or the same month when one is known to the month only."""
    if not (old.event_day and new.event_day):
        return False
    if len(old.event_date or "") == 7 or len(new.event_date or "") == 7:
        return (old.event_day.year, old.event_day.month) == (new.event_day.year, new.event_day.month)
    return abs((old.event_day - new.event_day).days) <= NEAR_EVENT


def same_side(a: Facts, b: Facts) -> bool:
    """Both claimants are described as one country's ("Russian authorities" / "Kremlin")."""
    return bool(sides(a.claimant) & sides(b.claimant))


def ordered(a: Facts, b: Facts, f: dict, holds: Callable[[Facts, Facts], bool]) -> float:
    """`holds(older, newer)`, in time order; either way round when neither clock tells them apart."""
    order = time_order(a, b, f)
    if order:
        older, newer = (a, b) if order > 0 else (b, a)
        return float(bool(holds(older, newer)))
    return float(bool(holds(a, b) or holds(b, a)))


def time_order(a: Facts, b: Facts, f: dict) -> int:
    """+1 when a is the older report, -1 when b is, 0 when neither publication nor event day tells."""
    if f["days"]:
        return 1 if f["days"] > 0 else -1
    if a.event_day and b.event_day and a.event_day != b.event_day:
        return 1 if a.event_day < b.event_day else -1
    return 0
