"""Which claim candidates a reviewer sees by default.

Every candidate is recorded with its score (nothing is thrown away); those scoring
below the threshold are hidden by default, because most of them are furniture,
rhetoric or opinion. The team sets the threshold with CLAIMTRAIL_CLAIM_THRESHOLD
(or `claimtrail evaluate --threshold` to see what a value would do).
"""

from __future__ import annotations

import os

from annotate.errors import Invalid

DEFAULT_THRESHOLD = 0.5
ENV = "CLAIMTRAIL_CLAIM_THRESHOLD"


class BadThreshold(Invalid):
    """The configured threshold is not a number in [0, 1]."""


def claim_threshold() -> float:
    raw = os.environ.get(ENV)
    if raw is None or not raw.strip():
        return DEFAULT_THRESHOLD
    try:
        value = float(raw)
    except ValueError:
        raise BadThreshold(f"{ENV}={raw!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise BadThreshold(f"{ENV}={raw!r} is outside [0, 1]")
    return value


def shown(score: float | None, threshold: float | None = None) -> bool:
    """Is a candidate with this score shown by default?"""
    limit = claim_threshold() if threshold is None else threshold
    return score is None or score >= limit
