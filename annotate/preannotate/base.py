"""The annotator contract: what goes in, what comes out.

Candidates are proposals for a reviewer, never decisions. Every candidate carries
a score in [0, 1] and a reason whose first word is the id of the rule that made it
("person.title: ..."), so reviewer decisions can be traced back to rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "DATE", "QUANTITY", "MILITARY_UNIT", "NORP"})


@dataclass(frozen=True)
class DocumentInput:
    text: str
    published: str | None = None  # "YYYY-MM-DD" or "YYYY-MM"
    publisher: str | None = None
    title: str | None = None
    boilerplate: tuple[tuple[int, int], ...] = ()  # nothing is suggested inside


@dataclass(frozen=True)
class EntityCandidate:
    start: int
    end: int
    text: str
    label: str
    score: float
    reason: str
    canonical: str | None = None  # entity name; ISO date for DATE


@dataclass(frozen=True)
class ClaimCandidate:
    start: int
    end: int
    text: str
    score: float
    reason: str
    claimant: str | None
    claimant_span: tuple[int, int] | None
    reporting_verb: str | None
    hedged: bool
    hedges: tuple[str, ...]
    negated: bool
    event_date: str | None  # "YYYY-MM-DD", "YYYY-MM" or "start/end"
    event_date_span: tuple[int, int] | None
    entities: tuple[str, ...]
    # Who passed the claim on, nearest the claimant first, the publisher last ("A reports
    # that B said C": claimant B, relayed by A); empty when the claimant is the publisher.
    relayed_by: tuple[str, ...] = ()
    event_date_inferred: bool = False  # no date in the text: the day of the statement
    # Other places in the document that say the same (a summary repeating the lead).
    also: tuple[tuple[int, int], ...] = ()


@runtime_checkable
class Annotator(Protocol):
    name: str
    version: str

    def annotate(self, doc: DocumentInput) -> tuple[list[EntityCandidate], list[ClaimCandidate]]: ...


def reason(pattern_id: str, why: str = "") -> str:
    """Format a reason so that its pattern id can be read back."""
    return f"{pattern_id}: {why}" if why else pattern_id


def pattern_id(reason_text: str) -> str:
    """The rule id a reason names (its text up to the first colon)."""
    return reason_text.split(":", 1)[0].strip()
