"""Quantities: counts, amounts and measures ("at least 170 servicemen", "$66,450").

A quantity never crosses a line break (a header year above a heading is not a
count of the heading). Durations ("seven months") are left out: they are not checkable amounts, and the
probe counted them as false positives. Years, ordinals, times and designations
such as "F-16" or "S-300" are not quantities either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORDS = (
    "one(?= (?:kilomet|km|mile|met|percent|ton|hundred|thousand|million|billion))|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
    "ninety|a hundred|one hundred|a thousand|one thousand|a dozen|several dozen|several hundred|"
    "several thousand|several million|"
    "dozens|hundreds|thousands|tens of thousands|hundreds of thousands|millions"
)
_MOD = (
    r"(?:(?:at least|up to|about|around|approximately|roughly|nearly|almost|over|more than|"
    r"fewer than|less than|some|an estimated|as many as|upwards of|at most|a total of)[ \t]+)?"
)
_NUM = r"(?:[$€£][ \t]?)?(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:[ \t]+(?:thousand|million|billion|trillion))?"
_MEASURE = (
    r"percent|per cent|%|km|kilometers?|kilometres?|miles?|meters?|metres?|square kilometers|tons?|tonnes?|"
    r"rubles|roubles|dollars|euros|hryvnias|hryvnia|tons|tonnes|barrels|people|personnel|"
    r"servicemen|servicemembers|men|women|children|civilians|troops|soldiers|aircraft|"
    r"equipment|infantry|artillery|ammunition|shells|rounds|drones|missiles"
)
_NOUN = rf"(?:{_MEASURE}|[a-z][a-z-]*s)\b"
_FUNCTION = r"(?:that|which|who|whom|the|a|an|of|to|in|on|and|or|for|from|with|by|as|at|is|are|was|were|has|have|had|will|would)\b"
_ADJ = rf"(?:(?!{_FUNCTION})[A-Za-z][\w-]*[ \t]+){{0,2}}?"
_DURATION = re.compile(r"\b(?:second|minute|hour|day|night|week|month|year|decade|century|centuries)s?\b")
_AMOUNT = rf"(?:{_NUM}|(?:{_WORDS})(?:[ \t]+(?:thousand|million|billion))?)"
_PATTERN = re.compile(
    rf"(?<![\w.,/-])(?:"
    rf"(?P<count>(?:between[ \t]+{_AMOUNT}[ \t]+and[ \t]+{_AMOUNT}|{_MOD}{_AMOUNT}(?:[ \t]*(?:to|-|–|or)[ \t]*{_AMOUNT})?)(?:[ \t]+of)?[ \t]+{_ADJ}{_NOUN})"
    rf"|(?P<bare>{_MOD}(?:[$€£][ \t]?\d+(?:[.,]\d+)*|\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?[ \t]+(?:thousand|million|billion))(?:[ \t]+(?:thousand|million|billion))?)"
    rf"|(?P<pct>{_MOD}\d+(?:\.\d+)?[ \t]?(?:%|percent|per cent))"
    rf")(?![\w-])",
    re.I,
)
# Every quantity contains a digit or a number word: find those first (plain
# literals, fast), then try the full pattern at the few word starts just before.
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand dozen tens millions several"
).split()
_ANCHORS = [
    re.compile(r"\d+"),
    re.compile("|".join(_NUMBER_WORDS)),
    re.compile("|".join(w.capitalize() for w in _NUMBER_WORDS)),
]
_WORD_START = re.compile(r"(?<![\w.,/$€£-])[\w$€£][\w]*")
LOOKBACK = 24  # "an estimated ", "more than ", "upwards of ", "between 30 and "
# Words a quantity can start with before its number; other word starts are not tried.
_OPENERS = frozenset(
    "at up about around approximately roughly nearly almost over more fewer less some an as upwards a between one several tens hundreds".split()
)


@dataclass(frozen=True)
class QuantityMention:
    start: int
    end: int
    pattern: str


def find_quantities(text: str) -> list[QuantityMention]:
    found: list[QuantityMention] = []
    last_end = 0
    anchors = sorted(m.start() for regex in _ANCHORS for m in regex.finditer(text))
    for anchor in anchors:
        if anchor < last_end:
            continue
        begin = max(last_end, anchor - LOOKBACK)
        for start in _WORD_START.finditer(text, begin, anchor + 1):
            if start.start() != anchor and start.group().lower() not in _OPENERS and start.group()[0] not in "$€£":
                continue
            m = _PATTERN.match(text, start.start())
            if m and m.end() > anchor and _accept(m.group()):
                kind = "quantity.count" if m.group("count") else "quantity.amount"
                found.append(QuantityMention(m.start(), m.end() - _trailing_space(m.group()), kind))
                last_end = m.end()
                break
    return found


def _accept(span: str) -> bool:
    return not _DURATION.search(span) and not _looks_like_year(span)


def _looks_like_year(span: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d\d", span.strip()))


def _trailing_space(span: str) -> int:
    return len(span) - len(span.rstrip())
