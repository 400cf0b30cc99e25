"""Checking Label Studio results against the labeling config and the document text.

Label Studio stores predictions and annotations without checking them (a label "FOO" or
a from_name "nope" goes in silently), so everything that comes back is checked here,
before anything is written. Each problem names the task and the result it is about.

Results of controls the project has but Claimtrail gives no meaning (choices, text
areas, ratings a team added for its own use) are set aside and counted, not refused.
A relation must make sense for the spans it joins: a claim link joins two claims; a
"claimant" or "about" joins a claim and an entity span that can be one.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from annotate.labelstudio.config import (
    ABOUT,
    CLAIM_LABEL,
    CLAIMANT,
    CLAIMANT_LABELS,
    ENTITY_LABELS,
    ENTITY_RELATIONS,
    LINK_RELATIONS,
    TEXT,
    VALUE_LABELS,
    LabelConfig,
)

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
    set_aside: list[str] = field(default_factory=list)  # names of controls whose results are not imported


def kind_of(label: str) -> str | None:
    return "mention" if label in ENTITY_LABELS else "claim" if label == CLAIM_LABEL else None


def check_result(cfg: LabelConfig, text: str, result, where: str) -> tuple[Checked, list[str]]:
    """The regions and relations of one prediction or annotation, and what is wrong with it."""
    if not isinstance(result, list):
        return Checked(), [f"{where}: 'result' is not a list"]
    checked, problems, seen, broken = Checked(), [], set(), set()
    items = [i for i in result if isinstance(i, dict)]
    if len(items) != len(result):
        problems.append(f"{where}: a result item is not an object")
    for n, item in enumerate(result, 1):  # counted from 1, as tasks and predictions are
        if isinstance(item, dict) and item.get("type") != "relation":
            if _set_aside(cfg, item):
                checked.set_aside.append(item["from_name"])
                continue
            region, problem = _region(cfg, text, item)
            if problem:
                problems.append(f"{where}, result {item.get('id', f'#{n}')}: {problem}")
                broken.add(item.get("id"))
            elif region.rid in seen:
                problems.append(f"{where}, result {region.rid}: region id used twice")
            else:
                checked.regions.append(region)
                seen.add(region.rid)
    spans, claimants = {r.rid: r for r in checked.regions}, {}
    for item in items:
        if item.get("type") == "relation" and not {item.get("from_id"), item.get("to_id")} & broken:  # said once, at the span
            relation, problem = _relation(cfg, spans, item, where)
            problem = problem or _second_claimant(claimants, relation, spans, where)
            if problem:
                problems.append(problem)
            else:
                checked.relations.append(relation)
    return checked, problems


def _set_aside(cfg: LabelConfig, item: dict) -> bool:
    """A result of one of the project's controls that is not a span control (choices, text
    areas…), given as that control gives it: not ours to import, not wrong either."""
    control = cfg.controls.get(item.get("from_name"))
    return control is not None and control.type != "labels" and item.get("type") == control.type


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


def _relation(cfg: LabelConfig, spans: dict[str, Region], item: dict, where: str) -> tuple[Relation | None, str | None]:
    ends = f"{item.get('from_id')}→{item.get('to_id')}"
    where = f"{where}, relation {ends}"
    missing = [k for k in ("from_id", "to_id") if item.get(k) not in spans]
    if missing:
        return None, f"{where}: {' and '.join(missing)} name no region of this result"
    if item.get("direction", "right") not in DIRECTIONS:
        return None, f"{where}: direction {item.get('direction')!r} is not one of {', '.join(DIRECTIONS)}"
    labels = item.get("labels")
    if not isinstance(labels, list) or len(labels) != 1:
        return None, f"{where}: a relation needs exactly one label ({', '.join(cfg.relations)}), got {labels!r}"
    if labels[0] not in cfg.relations:
        return None, f"{where}: relation {labels[0]!r} is not in the labeling config ({', '.join(cfg.relations)})"
    if item["from_id"] == item["to_id"]:
        return None, f"{where}: a relation joins two different spans"
    problem = _nonsense(labels[0], spans[item["from_id"]], spans[item["to_id"]])
    if problem:
        return None, f"{where}: {problem}"
    return Relation(item["from_id"], item["to_id"], labels[0], item.get("direction", "right")), None


def _nonsense(label: str, a: Region, b: Region) -> str | None:
    """Why a relation with this label cannot join these two spans (None when it can)."""
    kinds = sorted((a.kind, b.kind))
    if label in LINK_RELATIONS:
        return None if kinds == ["claim", "claim"] else f"{label!r} links two claim spans, not {_spans(a, b)}"
    if label not in ENTITY_RELATIONS:
        return f"relation {label!r} has no meaning in Claimtrail (claim links: {', '.join(LINK_RELATIONS)}; claim to entity: {', '.join(ENTITY_RELATIONS)})"
    if kinds != ["claim", "mention"]:
        return f"{label!r} goes from a claim span to an entity span, not between {_spans(a, b)}"
    entity = a if a.kind == "mention" else b
    if label == CLAIMANT and entity.label not in CLAIMANT_LABELS:
        return f"a claimant is one of {', '.join(CLAIMANT_LABELS)}, not a {entity.label} span"
    if label == ABOUT and entity.label in VALUE_LABELS:
        return f"{entity.label} spans are values, not entities a claim can be {ABOUT!r}"
    return None


def _spans(a: Region, b: Region) -> str:
    kinds = {a.kind, b.kind}
    return "two claim spans" if kinds == {"claim"} else "two entity spans" if kinds == {"mention"} else "a claim span and an entity span"


def _second_claimant(claimants: dict[str, str], relation: Relation, spans: dict[str, Region], where: str) -> str | None:
    """A claim has one claimant: a claimant relation from a claim span that has another is refused."""
    if relation.label != CLAIMANT:
        return None
    claim, entity = (relation.from_rid, relation.to_rid) if spans[relation.from_rid].kind == "claim" else (relation.to_rid, relation.from_rid)
    first = claimants.setdefault(claim, entity)
    if first == entity:
        return None
    return f"{where}, relation {relation.from_rid}→{relation.to_rid}: claim {claim} already has claimant {first} in this result; a claim has one claimant"
