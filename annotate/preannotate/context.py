"""The document as the claim rules see it: text copies, sentences and entities."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date

from .found import Found
from .segment import Segment
from .textprep import ascii_lower

MIN_WORDS = 5
NAMED = ("PERSON", "ORG", "GPE", "LOC", "MILITARY_UNIT", "NORP")
# Navigation and site furniture, matched against the lowercased sentence.
_SKIP = re.compile(
    r"click here|subscribe|share the post|support us|become our patron|related posts|"
    r"for full report|read more|sign up|all rights reserved|cookie|^photo:|^source:|https?://|"
    r"^image:|^credit:|follow us"
)


# "Elsewhere, ...", "Separately, ...": the author turns to another subject, so an account and
# the day it was about end there (matched against the lowercased text).
NEW_TOPIC = re.compile(r"\s*(?:elsewhere|separately|in other news|on other fronts?)\b")


_COPY_OF = re.compile(r"\((?:an?\s+|the\s+)?([A-Z][\w.&' -]{1,40}?)\s+copy\b")


@dataclass
class ClaimContext:
    original: str  # the document text, for candidate text
    text: str  # the normalised, masked copy the rules read
    segments: list[Segment]
    entities: list[Found]
    publisher: str | None
    published: date | None = None  # the day relative dates count from (dates.reference_date)
    starts: list[int] = field(init=False)
    unit_sizes: dict[int, int] = field(init=False)
    lower: str = field(init=False)

    def __post_init__(self) -> None:
        # "UNN (Ukrainian News Agency)", "Reuters (copy on ...)": the outlet speaks, not the note;
        # "LBCI (AFP copy)": a syndicated copy speaks with the agency's voice.
        if self.publisher and "(" in self.publisher and not self.publisher.startswith("("):
            copy = _COPY_OF.search(self.publisher)
            self.publisher = copy.group(1) if copy else self.publisher.split("(", 1)[0].strip()
        self.lower = ascii_lower(self.text)
        self.starts = [f.start for f in self.entities]
        self.unit_sizes = {}
        for seg in self.segments:
            self.unit_sizes[seg.unit] = self.unit_sizes.get(seg.unit, 0) + 1

    def within(self, start: int, end: int) -> list[Found]:
        """Entities lying wholly inside [start, end)."""
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.entities) and self.entities[i].start < end:
            if self.entities[i].end <= end:
                out.append(self.entities[i])
            i += 1
        return out

    def before(self, pos: int) -> list[Found]:
        return self.entities[: bisect.bisect_left(self.starts, pos)]

    def name(self, f: Found) -> str:
        return f.canonical or self.original[f.start : f.end]


def skippable(ctx: ClaimContext, seg: Segment) -> bool:
    """Too short, a question, a line introducing a list, or site furniture."""
    s = ctx.lower[seg.start : seg.end]
    return s.count(" ") + s.count("\n") < MIN_WORDS - 1 or s.rstrip().endswith("?") or seg.ends_colon or bool(_SKIP.search(s))
