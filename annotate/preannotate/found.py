"""The internal record every entity rule returns, and how overlaps are settled."""

from __future__ import annotations

from typing import NamedTuple


class Found(NamedTuple):
    start: int
    end: int
    label: str
    canonical: str | None
    score: float
    pid: str  # the rule's pattern id, e.g. "person.title"
    why: str = ""


def resolve_overlaps(found: list[Found]) -> list[Found]:
    """Keep the longest (then highest-scoring) of overlapping spans, in text order."""
    if not found:
        return []
    taken = bytearray(max(f.end for f in found))
    kept: list[Found] = []
    for f in sorted(found, key=lambda f: (f.start - f.end, -f.score, f.start)):
        if f.end > f.start and not any(taken[f.start : f.end]):
            kept.append(f)
            taken[f.start : f.end] = b"\x01" * (f.end - f.start)
    return sorted(kept, key=lambda f: f.start)
