"""Pre-annotation: annotators propose entity and claim candidates for reviewers.

Importing this package is cheap; spaCy loads on the first annotation.
"""

from .base import (
    LABELS,
    Annotator,
    ClaimCandidate,
    DocumentInput,
    EntityCandidate,
    pattern_id,
)
from .registry import available, get_annotator

__all__ = [
    "LABELS",
    "Annotator",
    "ClaimCandidate",
    "DocumentInput",
    "EntityCandidate",
    "available",
    "get_annotator",
    "pattern_id",
]
