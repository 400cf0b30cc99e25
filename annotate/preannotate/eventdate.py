"""Which of a claim's dates is the date of the event it reports."""
from __future__ import annotations

import re

from .context import ClaimContext
from .found import Found

# Weight by the words before a date: "on April 5" names the event's day; "ahead of
# the March election" or "until May" name something else.
_DATE_WEIGHT = [
    (re.compile(r"(?:ahead of|until|by|before|after|as soon as|deadline of)\s+(?:the\s+)?$", re.I), 0),
    (re.compile(r"\bon\s+(?:the\s+)?$|^the night", re.I), 3),
    (re.compile(r"\b(?:in|during|late|early|mid|throughout)\s+(?:the\s+)?$", re.I), 2),
]


def event_date(ents: list[Found], ctx: ClaimContext, start: int, content: tuple[int, int] | None) -> Found | None:
    """The date the claim is about: in the reported content if it has one, "on X" first.

    Only dates with at least a month count; a bare year or "the spring" is no event date.
    """
    dates = [f for f in ents if f.label == "DATE" and f.canonical and len(f.canonical) >= 7]
    inside = [f for f in dates if content and content[0] <= f.start and f.end <= content[1]]
    best, best_weight = None, -1
    for f in inside or dates:
        before = ctx.text[max(start, f.start - 20) : f.start]
        weight = 3 if f.pid == "date.night" else next((w for rx, w in _DATE_WEIGHT if rx.search(before)), 1)
        if weight > best_weight:
            best, best_weight = f, weight
    return best if best_weight > 0 else None
