"""Checking Label Studio results against the labeling config and the document text.

Label Studio stores predictions and annotations without checking them (a label "FOO" or
a from_name "nope" goes in silently), so everything that comes back is checked here,
before anything is written. Each problem names the task and the result it is about.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from annotate.labelstudio.config import CLAIM_LABEL, ENTITY_LABELS, TEXT, LabelConfig

DIRECTIONS = ("right", "left", "bi")


class Region(NamedTuple):  # tuples: tens of thousands are made per import
    rid: str
    kind: str  # mention | claim
    start: int
    end: int
    text: str
    label: str
    score: float | None = None


class Relation(NamedTuple):
    from_rid: str
    to_rid: str
    label: str
    direction: str = "right"

    def ends(self) -> tuple[str, str]:
        """(a, b) in the direction of the relation."""
        return (self.to_rid, self.from_rid) if self.direction == "left" else (self.from_rid, self.to_rid)


@dataclass
class Checked:
    regions: list[Region] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


def kind_of(label: str) -> str | None:
    return "mention" if label in ENTITY_LABELS else "claim" if label == CLAIM_LABEL else None


def check_result(cfg: LabelConfig, text: str, result, where: str) -> tuple[Checked, list[str]]:
    """The regions and relations of one prediction or annotation, and what is wrong with it."""
    if not isinstance(result, list):
        return Checked(), [f"{where}: 'result' is not a list"]
    checked, problems, seen = Checked(), [], set()
    items = [i for i in result if isinstance(i, dict)]
    if len(items) != len(result):
        problems.append(f"{where}: a result item is not an object")
    for n, item in enumerate(items):
        if item.get("type") != "relation":
            region, problem = _region(cfg, text, item)
            if problem:
                problems.append(f"{where}, result {item.get('id', f'#{n}')}: {problem}")
            elif region.rid in seen:
                problems.append(f"{where}, result {region.rid}: region id used twice")
            else:
                checked.regions.append(region)
                seen.add(region.rid)
    kinds = {r.rid: r.kind for r in checked.regions}
    for item in items:
        if item.get("type") == "relation":
            relation, problem = _relation(cfg, kinds, item, where)
            if problem:
                problems.append(problem)
            else:
                checked.relations.append(relation)
    return checked, problems


def _region(cfg: LabelConfig, text: str, item: dict) -> tuple[Region | None, str | None]:
    control = cfg.controls.get(item.get("from_name"))
    if control is None:
        return None, f"from_name {item.get('from_name')!r} is not in the labeling config (it has {', '.join(cfg.controls)})"
    to_name = item.get("to_name")
    if to_name not in control.to_name or cfg.objects.get(to_name) != TEXT:
        return None, f"to_name {to_name!r} is not the text that {control.name!r} labels ({', '.join(control.to_name)})"
    if item.get("type") != control.type:
        return None, f"type {item.get('type')!r} does not match {control.name!r}, which gives {control.type!r}"
    if control.type != "labels":
        return None, f"{control.type!r} results ({control.name!r}) are not something Claimtrail imports"
    if not isinstance(item.get("id"), str) or not item["id"]:
        return None, "the region has no id"
    value = item.get("value") or {}
    labels = value.get("labels")
    if not isinstance(labels, list) or len(labels) != 1:
        return None, f"a span needs exactly one label, got {labels!r}"
    label = labels[0]
    if label not in control.values:
        return None, f"label {label!r} is not one of {control.name!r}'s labels ({', '.join(control.values)})"
    kind = kind_of(label)
    if kind is None:
        return None, f"label {label!r} has no meaning in Claimtrail (entities: {', '.join(ENTITY_LABELS)}; claims: {CLAIM_LABEL})"
    start, end = value.get("start"), value.get("end")
    if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
        return None, f"offsets {start!r}..{end!r} are outside the document text (length {len(text)})"
    if "text" in value and value["text"] != text[start:end]:
        return None, f"span text {value['text']!r} does not match the document at {start}..{end} ({text[start:end]!r})"
    score = item.get("score")
    return Region(item["id"], kind, start, end, text[start:end], label, score if isinstance(score, (int, float)) else None), None


def _relation(cfg: LabelConfig, kinds: dict[str, str], item: dict, where: str) -> tuple[Relation | None, str | None]:
    ends = f"{item.get('from_id')}→{item.get('to_id')}"
    where = f"{where}, relation {ends}"
    missing = [k for k in ("from_id", "to_id") if item.get(k) not in kinds]
    if missing:
        return None, f"{where}: {' and '.join(missing)} name no region of this result"
    if item.get("direction", "right") not in DIRECTIONS:
        return None, f"{where}: direction {item.get('direction')!r} is not one of {', '.join(DIRECTIONS)}"
    labels = item.get("labels")
    if not isinstance(labels, list) or len(labels) != 1:
        return None, f"{where}: a relation needs exactly one label ({', '.join(cfg.relations)}), got {labels!r}"
    if labels[0] not in cfg.relations:
        return None, f"{where}: relation {labels[0]!r} is not in the labeling config ({', '.join(cfg.relations)})"
    if {kinds[item["from_id"]], kinds[item["to_id"]]} != {"claim"}:
        return None, f"{where}: relations are only imported between claim spans"
    return Relation(item["from_id"], item["to_id"], labels[0], item.get("direction", "right")), None
