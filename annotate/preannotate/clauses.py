"""Split a sentence where a second speaker takes over.

"Russian sources claimed that X, but milblogger Rybar acknowledged that Y" holds two
claims by two claimants; so does "Russian forces struck Kyiv, and Ukrainian officials
reported that Y". A split is made only at ", and" / ", but" / ", while" / ";" when
the clause after it opens with its own reporting cue, and both parts stay sentences.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .attribution import find_attribution
from .found import Found
from .segment import Segment

_JOINT = re.compile(r",\s+(?:and|but|while|whereas)\s+|;\s+")
MIN_WORDS = 5
MAX_SUBJECT_WORDS = 8  # the cue must come early in the second clause


def split_clauses(text: str, lower: str, seg: Segment, entities: list[Found]) -> list[Segment]:
    parts, start = [], seg.start
    for joint in _JOINT.finditer(text, seg.start, seg.end):
        if _opens_with_speaker(text, lower, joint.end(), seg.end, entities) and _long_enough(text, start, joint.start()):
            if _long_enough(text, joint.end(), seg.end):
                parts.append((start, joint.start()))
                start = joint.end()
    if not parts:
        return [seg]
    parts.append((start, seg.end))
    return [replace(seg, start=s, end=e, first=seg.first and i == 0) for i, (s, e) in enumerate(parts)]


def _opens_with_speaker(text: str, lower: str, start: int, end: int, entities: list[Found]) -> bool:
    window_end = min(end, start + 200)
    att = find_attribution(text, lower, start, window_end, [f for f in entities if start <= f.start < window_end])
    if att is None or att.kind == "according" or (att.subject and att.subject.label == "GPE"):
        return False  # "..., and Zaporizhia oblasts into the Russian Federation and emphasized"
    speaker = att.subject.start if att.subject else att.free_subject[0] if att.free_subject else start
    opening = len(text[start:speaker].split())
    return opening <= 2 and len(text[start : att.verb_span[0]].split()) <= MAX_SUBJECT_WORDS


def _long_enough(text: str, start: int, end: int) -> bool:
    return len(text[start:end].split()) >= MIN_WORDS
