"""Headlines that say whose claim they carry, and "Source:" lines."""

from __future__ import annotations

import re
from typing import NamedTuple

from .attribution import find_attribution
from .context import ClaimContext, skippable
from .found import Found
from .segment import Segment

_SUFFIX = re.compile(r"^(?P<claim>.{20,}?)\s+[–—-]{1,2}\s+(?P<who>[^–—-]{2,60})$")  # "... – ISW"
_PREFIX = re.compile(r"^(?P<who>[^:]{2,60}):\s+(?P<claim>.{20,})$")  # "ISW: ..."
_SOURCE_LINE = re.compile(r"^(?:sources?|via|originally published by|according to)\s*:?\s+", re.I)


class Headline(NamedTuple):
    start: int
    end: int
    who: Found
    verb: str | None
    content: tuple[int, int] | None
    score: float


def headline(ctx: ClaimContext, seg: Segment) -> Headline | None:
    """ "Russia forcibly sends men ... – ISW", "Ukraine says drones hit ...": whose it is."""
    s = ctx.text[seg.start : seg.end]
    for pattern in (_SUFFIX, _PREFIX):
        m = pattern.match(s)
        if m:
            named = _people_or_orgs(ctx, seg.start + m.start("who"), seg.start + m.end("who"))
            if named:
                return Headline(seg.start + m.start("claim"), seg.start + m.end("claim"), named[0], None, None, 0.7)
    if skippable(ctx, seg):
        return None
    att = find_attribution(ctx.text, ctx.lower, seg.start, seg.end, ctx.within(seg.start, seg.end))
    if att is None or att.subject is None or att.kind == "according":
        return None
    return Headline(seg.start, seg.end, att.subject, att.verb, att.content, 0.6)


def source_line(ctx: ClaimContext, seg: Segment) -> str | None:
    """ "Source: Institute for the Study of War (ISW)": whose account a rewrite relays."""
    if not _SOURCE_LINE.match(ctx.text[seg.start : seg.end]):
        return None
    named = _people_or_orgs(ctx, seg.start, seg.end)
    return ctx.name(named[0]) if named else None


def _people_or_orgs(ctx: ClaimContext, start: int, end: int) -> list[Found]:
    return [f for f in ctx.within(start, end) if f.label in ("ORG", "PERSON")]
