"""Relay chains: who passed a claim on between its claimant and the reader.

"A reports that B said C" has claimant B, relayed by A. Three shapes are read here:
an outlet reporting someone else's statement ("Malyuk has admitted ..., CNN reports"),
a speaker who "told TASS" or "was quoted by Interfax", and the publisher, who relays
every claim it does not make itself. The chain is kept nearest-to-the-claimant first.
"""

from __future__ import annotations

import re

from .attribution import Attribution, find_attribution
from .claimants import tidy
from .context import ClaimContext
from .found import Found
from .gazetteer import default_gazetteer

# "told TASS", "was quoted by Interfax as saying", "in an interview with the BBC", "cited by".
_VIA = re.compile(
    r"\b(?:told|tells|telling|quoted\s+by|cited\s+by|citing|in\s+an\s+interview\s+(?:with|to)|speaking\s+to|(?:said|wrote)\s+(?:on|in|via)|via)\s+(?:the\s+)?$",
    re.I,
)
_RELAY_LABELS = ("ORG",)
_TOLD = re.compile(r"\b(?:told|tells|informed|informs)\s+(?:the\s+)?$", re.I)
# "..., Reuters reports.": an outlet passing on the sentence's statement.
_REPORTS = re.compile(r"\s+(?:reports|reported|writes|wrote|says|said|notes|noted|informs|informed)\b")


def is_outlet(ctx: ClaimContext, f: Found | None) -> bool:
    """A media organisation, as the gazetteer knows it (or the publisher itself)."""
    if f is None or f.label not in _RELAY_LABELS:
        return False
    name = ctx.name(f)
    entry = default_gazetteer().get(name)
    return (entry is not None and entry.kind == "media") or name == ctx.publisher


def inner(ctx: ClaimContext, att: Attribution | None, ents: list[Found]) -> Attribution | None:
    """The statement an outlet reports: "Malyuk has admitted X, CNN reports" → Malyuk's."""
    if att is None or att.content is None or not is_outlet(ctx, att.subject):
        return None
    start, end = att.content
    found = find_attribution(ctx.text, ctx.lower, start, end, [f for f in ents if start <= f.start and f.end <= end])
    if found is None or found.kind == "according" or not (found.subject or found.free_subject):
        return None
    return found


def quoter(ctx: ClaimContext, att: Attribution | None, start: int, ents: list[Found]) -> str | None:
    """Who quoted the speaker: "Interfax quoted Pushilin as saying" → Interfax."""
    if att is None or att.verb != "quoted":
        return None
    named = [f for f in ents if start <= f.start and f.end <= att.verb_span[0] and f.label in _RELAY_LABELS]
    if named:
        return ctx.name(named[-1])
    phrase = " ".join(ctx.original[start : att.verb_span[0]].split())
    return tidy(phrase) if 0 < len(phrase.split()) <= 8 else None


def told(ctx: ClaimContext, start: int, end: int, ents: list[Found]) -> list[str]:
    """Outlets the speaker spoke to: "told TASS", "informed Agence France-Presse"."""
    return [ctx.name(f) for f in ents if f.label in _RELAY_LABELS and _TOLD.search(ctx.text, max(start, f.start - 20), f.start)]


def described(claimant: str, att: Attribution | None, ctx: ClaimContext, start: int, end: int, ents: list[Found]) -> str:
    """An unnamed source is described with the outlet it spoke to: "defense circles (via TASS)"."""
    if att is None or att.subject is not None or att.free_subject is None or "(via " in claimant:
        return claimant
    if not any(w[:1].islower() for w in claimant.split()):
        return claimant  # a name the entity rules missed ("Yan Gagin"), not a description
    via = told(ctx, start, end, ents)
    return f"{claimant} (via {via[0]})" if via else claimant


def chain(ctx: ClaimContext, start: int, end: int, ents: list[Found], claimant: str | None, outer: str | None = None) -> tuple[str, ...]:
    """Who relayed the claim: an outlet reporting it, one the speaker "told", the publisher."""
    names: list[str] = []
    if outer:
        names.append(outer)
    for f in ents:
        via = _VIA.search(ctx.text, max(start, f.start - 40), f.start)
        if f.label in _RELAY_LABELS and (via or (is_outlet(ctx, f) and _REPORTS.match(ctx.lower, f.end))):
            names.append(ctx.name(f))
    if ctx.publisher:
        names.append(ctx.publisher)
    out = [n for n in dict.fromkeys(names) if n != claimant]
    return tuple(out) if claimant and claimant != ctx.publisher else ()
