"""Hedges (how sure the source is) and negation or denial in a claim's text."""
from __future__ import annotations

import re

_HEDGE = re.compile(
    r"\b(likely|unlikely|probably|possibly|possible|perhaps|may|might|could|reportedly|"
    r"allegedly|apparently|purportedly|presumably|seemingly|appears?|appeared|seems?|seemed|"
    r"suggests?|suggested|assess(?:es|ed)?|believes?|expects?|unclear|unconfirmed|"
    r"unverified|estimated)\b",
    re.I,
)
_NEGATION = re.compile(
    r"\b(not|never|no|none|neither|nor|cannot|denied|denies|deny|denying|refuted|refutes|"
    r"refute|rejected|rejects|disputed|disputes|dismissed(?=\s+(?:the\s+|these\s+|such\s+)?"
    r"(?:claims?|reports?|allegations?|accusations?|rumou?rs?)))\b|n't\b",
    re.I,
)
_NOT_NEGATION = re.compile(r"\bnot only\b|\bwhether or not\b|\bno doubt\b", re.I)


def hedges(text: str) -> tuple[str, ...]:
    """The hedging words in text, lowercased, first occurrence order."""
    words = (m.group(1) for m in _HEDGE.finditer(text))
    # "May" with a capital is the month far more often than the modal verb.
    return tuple(dict.fromkeys(w.lower() for w in words if w != "May"))


def negated(text: str) -> bool:
    cleaned = _NOT_NEGATION.sub(" ", text)
    return bool(_NEGATION.search(cleaned))
