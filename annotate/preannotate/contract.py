"""What every annotator's output must satisfy; used by the contract tests and
available to plug-in authors who want to check their own annotator."""

from __future__ import annotations

import re

from .base import LABELS, Annotator, DocumentInput
from .textprep import overlaps_any


def check_annotator(annotator: Annotator) -> list[str]:
    problems = []
    for attr in ("name", "version"):
        value = getattr(annotator, attr, None)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{attr} must be a non-empty string")
    return problems


def check_output(doc: DocumentInput, entities: list, claims: list) -> list[str]:
    """Problems with one document's candidates; an empty list means it passes."""
    problems = []
    for kind, cands in (("entity", entities), ("claim", claims)):
        for c in cands:
            problems += [f"{kind} {c.start}-{c.end}: {p}" for p in _span_problems(doc, c)]
    problems += [f"entity {e.start}-{e.end}: label {e.label!r} not allowed" for e in entities if e.label not in LABELS]
    problems += [f"claim {c.start}-{c.end}: {p}" for c in claims for p in _claim_problems(doc, c)]
    return problems


def _span_problems(doc: DocumentInput, c) -> list[str]:
    out = []
    if not (0 <= c.start < c.end <= len(doc.text)):
        return ["offsets out of range"]
    if c.text != doc.text[c.start : c.end]:
        out.append("text differs from the document at its offsets")
    if overlaps_any(c.start, c.end, doc.boilerplate):
        out.append("inside a boilerplate span")
    if not (isinstance(c.score, float | int) and 0.0 <= c.score <= 1.0):
        out.append(f"score {c.score!r} outside [0, 1]")
    if not isinstance(c.reason, str) or not c.reason.strip():
        out.append("no reason given")
    return out


def _claim_problems(doc: DocumentInput, c) -> list[str]:
    out = []
    for name in ("claimant_span", "event_date_span"):
        span = getattr(c, name)
        if span is not None and not (0 <= span[0] < span[1] <= len(doc.text)):
            out.append(f"{name} out of range")
    for span in getattr(c, "also", ()):
        if not (0 <= span[0] < span[1] <= len(doc.text)):
            out.append("also span out of range")
    if c.hedged != bool(c.hedges):
        out.append("hedged disagrees with hedges")
    if c.event_date is not None and not _iso_like(c.event_date):
        out.append(f"event_date {c.event_date!r} is not ISO")
    return out


def _iso_like(value: str) -> bool:
    part = r"\d{4}-\d{2}(?:-\d{2})?"
    return bool(re.fullmatch(rf"{part}(?:/{part})?", value))
