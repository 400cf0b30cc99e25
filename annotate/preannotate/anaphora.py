"""Event anaphora: "the blast", "this attack", "the incident" take the day of the sentence
that reports the event ("Saturday's explosion", "On the night of July 29, explosions ...").

A claim about an event a report has already (or will later) date, such as "X said the blast
was caused by Y", is about that event: its event date is the day the report gives the
event, not the day of the statement. Only a definite reference counts ("the", "this",
a possessive), and a day right after a reporting verb ("said on Sunday") dates the
statement, not the event, so it is left out.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from functools import cached_property

from .dates import WEEKDAYS

# Nouns (and a few verbs) that name one sudden incident. General English: any report of an
# attack, an accident or a disaster uses some of them; they are treated as one family,
# since a report calls one incident "the explosion", "the blast" and "the attack" in turn.
_INCIDENT = (
    r"attacks?|explosions?|blasts?|strikes?|incidents?|tragedy|bombings?|shelling|assaults?|raids?|"
    r"detonations?|destruction|collapse|breach|crash|shooting|massacre|sabotage|disaster|catastrophe"
)
_INCIDENT_VERB = r"struck|striking|attacked|attacking|shelled|bombed|exploded|blew\s+up|was\s+destroyed|were\s+destroyed|was\s+blown\s+up|collapsed|was\s+attacked|was\s+struck"
_MENTION = re.compile(rf"\b(?:{_INCIDENT}|{_INCIDENT_VERB})\b", re.I)
_NOUN = re.compile(rf"\b(?:{_INCIDENT})\b", re.I)
_DETERMINER_BEFORE = re.compile(
    r"(?<!where )(?<!when )(?<!after )(?<!before )(?<!since )(?<!following )(?<!until )"
    r"\b(?:the|this|that|these|those|its)\s+(?P<mod>(?:(?!the\b|a\b|an\b|of\b|where\b|which\b|that\b)[\w-]+\s+){0,3})$",
    re.I,
)
# The incident word ends its noun phrase ("the attack on", not "the assault ship").
_PHRASE_END = re.compile(
    r"\s*[,.;:\"”)]|\s*$|\s+(?:of|on|in|at|near|against|by|from|to|with|was|were|is|are|had|has|have|that|which|and|but|or|could|would|will|as)\b", re.I
)
LOOKBEHIND = 60


def _definite(text: str, start: int, end: int) -> tuple[tuple[int, int], str] | None:
    """ "the (recent|cross-border|Kakhovka dam) blast", "this attack"; not in an adjunct that
    only sets the scene ("the truck where the explosion occurred", "after the attack")."""
    for m in _NOUN.finditer(text, start, end):
        det = _DETERMINER_BEFORE.search(text, max(start, m.start() - LOOKBEHIND), m.start())
        if det and _PHRASE_END.match(text, m.end()):
            return (det.start(), m.end()), det.group("mod")
    return None


# An incident verb in the past: "Russia struck a colony in Y" is the incident the report dates at Y.
_STRUCK = re.compile(r"\b(?:struck|attacked|shelled|bombed|blew\s+up)\b", re.I)
_ANOTHER = re.compile(r"\b(?:first|second|third|previous|earlier|another|last\s+year['’]s|prior)\s+(?:[\w-]+\s+){0,2}$", re.I)
_MONTH_WORD = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b")
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
_TODAY = re.compile(r"\b(?:([Tt]oday|[Tt]his morning)|([Yy]esterday))(?:['’]s)?\b")
_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:['’]s)?\b")
_CALENDAR = ("date.day", "date.full", "date.iso", "date.night")
# "said on Sunday", "told reporters Wednesday": the day of a statement.
_SAID = re.compile(
    r"\b(?:said|says|told\s+\w+|stated|announced|reported|claimed|added|wrote|noted|confirmed|declared)\s+(?:on\s+|late\s+|early\s+|earlier\s+)?$", re.I
)
MAX_WEEKDAY_AGE = 6
MAX_DISTANCE = 120  # characters between an incident word and the day that dates it


class IncidentDays:
    """The days a document gives its incidents, found once per document."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx

    @cached_property
    def dated(self) -> list[tuple[int, str, frozenset[str]]]:
        """(position, ISO day, places named) for each incident word with a day near it in its sentence."""
        out = []
        for seg in self.ctx.segments:
            days = self._days(seg.start, seg.end)
            if not days:
                continue
            places = self._places(seg.start, seg.end)
            for m in _MENTION.finditer(self.ctx.text, seg.start, seg.end):
                if _ANOTHER.search(self.ctx.text, max(seg.start, m.start() - 40), m.start()):
                    continue  # "the first attack on the bridge": another incident than "the attack"
                pos, day = min(days, key=lambda d: abs(d[0] - m.start()))
                if abs(pos - m.start()) <= MAX_DISTANCE:
                    out.append((m.start(), day, places))
        return out

    def _places(self, start: int, end: int) -> frozenset[str]:
        return frozenset(self.ctx.name(f) for f in self.ctx.within(start, end) if f.label in ("GPE", "LOC", "FAC"))

    def _days(self, start: int, end: int) -> list[tuple[int, str]]:
        ctx, text = self.ctx, self.ctx.text
        latest = ctx.published
        days = [
            (f.start, f.canonical)
            for f in ctx.within(start, end)
            if f.label == "DATE" and f.pid in _CALENDAR and f.canonical and len(f.canonical) == 10 and not _said_before(text, f.start)
        ]
        if latest is not None:
            for m in _WEEKDAY.finditer(text, start, end):
                if _said_before(text, m.start()):
                    continue
                back = (latest.weekday() - WEEKDAYS.index(m.group(1).lower())) % 7
                if back <= MAX_WEEKDAY_AGE:
                    days.append((m.start(), (latest - timedelta(days=back)).isoformat()))
            for m in _TODAY.finditer(text, start, end):
                days.append((m.start(), (latest - timedelta(days=1 if m.group(2) else 0)).isoformat()))
        return [(p, d) for p, d in days if latest is None or d <= latest.isoformat()]

    def day_of(self, start: int, end: int) -> tuple[str, tuple[int, int]] | None:
        """The day of the incident a definite reference in text[start:end] points to: the day
        the document gives its incidents most often (ties: the nearest before the claim).
        A month in the reference ("the July attack") must agree with that day."""
        text = self.ctx.text
        if not _MENTION.search(text, start, end):
            return None  # no incident word at all: the common case, kept cheap
        if ref := _definite(text, start, end):
            outside = [(p, d) for p, d, _ in self.dated if not start <= p < end]
        elif struck := _STRUCK.search(text, start, end):
            ref = struck.span(), ""
            places = self._places(start, end)  # "X struck the prison in Y": an incident at a place dated elsewhere
            outside = [(p, d) for p, d, named in self.dated if not start <= p < end and named & places]
        else:
            return None
        if not outside:
            return None
        counts = Counter(d for _, d in outside)
        nearest = {d: -abs(start - p) for p, d in outside}
        day = max(counts, key=lambda d: (counts[d], nearest[d]))
        month = _MONTH_WORD.search(ref[1])
        if month and int(day[5:7]) != _MONTHS.index(month.group(1).lower()) + 1:
            return None
        return day, ref[0]


def _said_before(text: str, pos: int) -> bool:
    return bool(_SAID.search(text, max(0, pos - 30), pos))
