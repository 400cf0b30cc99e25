"""The labeling config: one Text, entity spans, claim spans, relations between spans.

Relations mean one of two things, told apart by their label: a claim link between two
claim spans (LINK_RELATIONS, our ClaimLink.relation), or a fact about a claim drawn to an
entity span (ENTITY_RELATIONS: who said it, what it is about). Label Studio cannot tie a
relation label to the kinds of span it joins, so `validate.py` checks that.

Built with the SDK's label interface when label-studio-sdk is installed, else the same
XML by hand (identical string: both serialise with ElementTree). `parse()` reads any
config back into what the importer validates results against, without the SDK.
"""

import importlib.util
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from annotate.preannotate.store import UNLINKED_LABELS

# Names that tasks and results refer to; changing one breaks projects already set up.
TEXT = "text"  # the <Text> object, and the task data key holding the document text
ENTITY = "entity"  # <Labels> for entity mentions
CLAIM = "claim"  # <Labels> for claim spans
RELATION = "relation"  # <Relations>
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "DATE", "QUANTITY", "MILITARY_UNIT", "NORP")
CLAIM_LABEL = "CLAIM"
LINK_RELATIONS = ("same_event", "supports", "contradicts", "updates")  # ClaimLink.relation
CLAIMANT = "claimant"  # claim → entity span: Claim.claimant and claimant_entity_id
ABOUT = "about"  # claim → entity span: the entity is in Claim.entity_ids
ENTITY_RELATIONS = (CLAIMANT, ABOUT)
RELATIONS = LINK_RELATIONS + ENTITY_RELATIONS
CLAIMANT_LABELS = ("PERSON", "ORG", "GPE", "NORP", "MILITARY_UNIT")  # who can say something
VALUE_LABELS = tuple(label for label in ENTITY_LABELS if label in UNLINKED_LABELS)  # no entity to be about

OBJECT_TAGS = {"text", "hypertext", "paragraphs"}


def sdk_available() -> bool:
    return importlib.util.find_spec("label_studio_sdk") is not None


def _children(kind: str, values) -> tuple:
    return tuple((kind, {"value": v}, ()) for v in values)


def _tags() -> dict[str, tuple]:
    """The config in the SDK's (tag, attributes, children) form, in display order."""
    return {
        TEXT: ("Text", {"name": TEXT, "value": f"${TEXT}"}, ()),
        ENTITY: ("Labels", {"name": ENTITY, "toName": TEXT}, _children("Label", ENTITY_LABELS)),
        CLAIM: ("Labels", {"name": CLAIM, "toName": TEXT}, _children("Label", [CLAIM_LABEL])),
        RELATION: ("Relations", {"name": RELATION, "toName": TEXT}, _children("Relation", RELATIONS)),
    }


def build_config(use_sdk: bool | None = None) -> str:
    """The labeling config XML; with the SDK's LabelInterface.create when available."""
    if use_sdk is None:
        use_sdk = sdk_available()
    if use_sdk:
        from label_studio_sdk.label_interface import LabelInterface

        return LabelInterface.create(_tags(), pretty=False)
    view = ET.Element("View")
    for tag, attrs, children in _tags().values():
        element = ET.SubElement(view, tag, attrs)
        for child, child_attrs, _ in children:
            ET.SubElement(element, child, child_attrs)
    return ET.tostring(view, encoding="unicode")


@dataclass(frozen=True)
class Control:
    name: str
    type: str  # lower-case tag: what a result's "type" must be
    to_name: tuple[str, ...]
    values: tuple[str, ...]  # its Label / Choice values


@dataclass(frozen=True)
class LabelConfig:
    controls: dict[str, Control]
    objects: dict[str, str]  # object tag name → task data key ("$text" → "text")
    relations: tuple[str, ...]
    xml: str = ""


def parse(xml: str | None = None) -> LabelConfig:
    """The names, labels and relations of a config (ours by default)."""
    xml = xml or build_config(use_sdk=False)
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as problem:
        raise ValueError(f"labeling config is not XML: {problem}") from None
    controls, objects, relations = {}, {}, []
    for element in root.iter():
        tag, name = element.tag.lower(), element.get("name")
        if tag == "relations":
            relations += [r.get("value") for r in element if r.tag == "Relation"]
        elif tag in OBJECT_TAGS and name and (element.get("value") or "").startswith("$"):
            objects[name] = element.get("value")[1:]
        elif name and element.get("toName"):
            values = tuple(c.get("value") for c in element if c.get("value") is not None)
            to_name = tuple(n.strip() for n in element.get("toName").split(","))
            controls[name] = Control(name, tag, to_name, values)
    return LabelConfig(controls, objects, tuple(relations), xml)


def add_missing(xml: str) -> tuple[str, list[str], list[str]]:
    """Their config with the labels and relations of ours it lacks added; what was added;
    and the controls of ours it lacks, which cannot be added (then it is not our project).

    Only ever adds: Label Studio refuses a config that drops labels in use.
    """
    try:
        root = ET.fromstring(xml, parser=ET.XMLParser(target=ET.TreeBuilder(insert_comments=True)))
    except ET.ParseError as problem:
        raise ValueError(f"labeling config is not XML: {problem}") from None
    added, absent = [], []
    for tag, attrs, children in _tags().values():
        if not children:
            continue
        element = _find(root, tag, attrs["name"])
        if element is None:
            absent.append(f"{attrs['name']!r} {tag.lower()}")  # e.g. 'entity' labels
            continue
        have = {child.get("value") for child in element}
        lacking = [child_attrs["value"] for _, child_attrs, _ in children if child_attrs["value"] not in have]
        for value in lacking:
            ET.SubElement(element, children[0][0], {"value": value})
        added += [f"{attrs['name']!r} {value}" for value in lacking]
    return (ET.tostring(root, encoding="unicode") if added and not absent else xml), added, absent


def _find(root: ET.Element, tag: str, name: str) -> ET.Element | None:
    """The control of this tag and name; any <Relations> for ours (Label Studio allows one)."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() == tag.lower() and (tag == "Relations" or element.get("name") == name):
            return element
    return None
