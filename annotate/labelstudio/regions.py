"""Label Studio result items for our objects, and reading our ids back out of them.

A region's id names the object it came from ("m12" = mention 12, "c7" = claim 7). Label
Studio keeps region ids when an annotator edits a prediction, so an annotation that
moved or relabelled our span still says which object it meant.
"""

from annotate.labelstudio.config import CLAIM, CLAIM_LABEL, ENTITY, TEXT

PREFIX = {"mention": "m", "claim": "c"}
KIND = {v: k for k, v in PREFIX.items()}


def region_id(kind: str, object_id: int) -> str:
    return f"{PREFIX[kind]}{object_id}"


def our_id(rid: str, kind: str) -> int | None:
    """The object id a region id names, if it is one of ours of this kind."""
    if isinstance(rid, str) and rid[:1] == PREFIX[kind] and rid[1:].isdigit():
        return int(rid[1:])
    return None


def span(rid: str, kind: str, start: int, end: int, text: str, label: str, score: float | None = None) -> dict:
    """A <Labels> region over the task text."""
    item = {
        "id": rid,
        "from_name": ENTITY if kind == "mention" else CLAIM,
        "to_name": TEXT,
        "type": "labels",
        "value": {"start": start, "end": end, "text": text, "labels": [label if kind == "mention" else CLAIM_LABEL]},
    }
    if score is not None:
        item["score"] = score
    return item


def relation(from_id: str, to_id: str, label: str, direction: str = "right") -> dict:
    return {"from_id": from_id, "to_id": to_id, "type": "relation", "direction": direction, "labels": [label]}
