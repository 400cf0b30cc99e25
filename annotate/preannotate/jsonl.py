"""One JSON object per document for `claimtrail preannotate --format jsonl`."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from .base import Annotator, ClaimCandidate, EntityCandidate


def annotator_id(annotator: Annotator) -> str:
    return f"{annotator.name}@{annotator.version}"


def candidates_to_json(
    file_name: str,
    text: str,
    entities: Sequence[EntityCandidate],
    claims: Sequence[ClaimCandidate],
    annotator: Annotator,
) -> dict:
    """The issue's record: offsets index `text` exactly as ingestion stores it."""
    who = annotator_id(annotator)
    return {
        "doc": file_name,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "entities": [{"start": e.start, "end": e.end, "text": e.text, "label": e.label, "score": e.score, "annotator": who} for e in entities],
        "claims": [
            {
                "start": c.start,
                "end": c.end,
                "text": c.text,
                "claimant": c.claimant,
                "relayed_by": list(c.relayed_by),
                "event_date": c.event_date,
                "event_date_inferred": c.event_date_inferred,
                "hedged": c.hedged,
                "score": c.score,
                "annotator": who,
                **({"also": [list(span) for span in c.also]} if c.also else {}),
            }
            for c in claims
        ],
    }
