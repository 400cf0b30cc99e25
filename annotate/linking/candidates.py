"""The candidate stage: claims of other documents that may relate to one claim, from indexes only.

Four legs, each reading a bounded slice of its index whatever the size of the record:
full text (the claim's rarest shared words), canonical entities (claims naming the same
things nearest in time), sentence vectors (the most similar in meaning among the claims
nearest in time) and event dates (claims whose text gives the same day for what happened).
They are fused by reciprocal rank, times a prior for nearness in time: reports about one
event cluster in time, by publication or by the day of the event they report. The pair judge reorders the
fused list; the ranks each leg gave are among its inputs.
"""

import math
from dataclasses import dataclass, field

LEGS = ("text", "vector", "entity", "event")
RRF_K = 20  # reciprocal rank fusion constant: small, so each leg's top ranks count
DATE_PRIOR_DAYS = 60.0  # scale of the publication-date prior
DATE_PRIOR_FLOOR = 0.3  # an unrelated date never erases a strong match


@dataclass
class Candidate:
    claim_id: int
    ranks: dict[str, int] = field(default_factory=dict)
    cosine: float | None = None
    fused: float = 0.0


def fuse(legs: dict[str, list[int]], cosines: dict[int, float], days: dict[int, int | None]) -> list[Candidate]:
    """One list, best first: each leg's ranked ids → reciprocal-rank sum × date prior."""
    found: dict[int, Candidate] = {}
    for leg, ids in legs.items():
        for rank, claim_id in enumerate(ids):
            found.setdefault(claim_id, Candidate(claim_id)).ranks.setdefault(leg, rank)
    for c in found.values():
        c.cosine = cosines.get(c.claim_id)
        rrf = sum(1 / (RRF_K + rank) for rank in c.ranks.values())
        c.fused = rrf * date_prior(days.get(c.claim_id))
    return sorted(found.values(), key=lambda c: (-c.fused, c.claim_id))


def date_prior(days: int | None) -> float:
    if days is None:
        return 0.5 * (1 + DATE_PRIOR_FLOOR)
    return DATE_PRIOR_FLOOR + (1 - DATE_PRIOR_FLOOR) * math.exp(-abs(days) / DATE_PRIOR_DAYS)
