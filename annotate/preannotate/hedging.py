"""Hedges (how sure the source is) and negation or denial in a claim's text.

Word lookups in sets rather than one big case-insensitive regex: the regex cost
~20 µs per sentence, the set lookups a quarter of that.
"""

from __future__ import annotations

import re

HEDGES = frozenset(
    """likely unlikely probably possibly possible perhaps may might could reportedly allegedly
    apparently purportedly presumably seemingly appear appears appeared seem seems seemed
    suggest suggests suggested assess assesses assessed believe believes expect expects
    unclear unconfirmed unverified estimated""".split()
)
NEGATIONS = frozenset(
    """not never no none neither nor cannot denied denies deny denying refuted refutes refute
    rejected rejects disputed disputes""".split()
)
_WORD = re.compile(r"[A-Za-z]+(?:'t)?")
_NOT_NEGATION = re.compile(r"not only|whether or not|no doubt|no longer than")
_DISMISSED = re.compile(r"dismissed (?:the |these |such )?(?:claims?|reports?|allegations?|accusations?|rumou?rs?)")


def hedges(text: str) -> tuple[str, ...]:
    """The hedging words in text, lowercased, in order of first occurrence."""
    found = []
    for word in _WORD.findall(text):
        low = word.lower()
        # "May" with a capital is the month far more often than the modal verb.
        if low in HEDGES and word != "May" and low not in found:
            found.append(low)
    return tuple(found)


def negated(text: str) -> bool:
    """Negation or denial anywhere in the text ("did not", "denied", "no plans")."""
    lower = _NOT_NEGATION.sub(" ", text.lower())
    if "n't" in lower or _DISMISSED.search(lower):
        return True
    return any(w in NEGATIONS for w in _WORD.findall(lower))
