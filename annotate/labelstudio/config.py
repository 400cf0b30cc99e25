"""The labeling config: one Text, entity spans, claim spans, relations between spans.

Built with the SDK's label interface when label-studio-sdk is installed, else the same
XML by hand (identical string: both serialise with ElementTree). `parse()` reads any
config back into what the importer validates results against, without the SDK.
"""

import importlib.util
import xml.etree.ElementTree as ET
from dataclasses import dataclass

# Names that tasks and results refer to; changing one breaks projects already set up.
TEXT = "text"  # the <Text> object, and the task data key holding the document text
ENTITY = "entity"  # <Labels> for entity mentions
CLAIM = "claim"  # <Labels> for claim spans
RELATION = "relation"  # <Relations>
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "DATE", "QUANTITY", "MILITARY_UNIT", "NORP")
CLAIM_LABEL = "CLAIM"
LINK_RELATIONS = ("same_event", "supports", "contradicts", "updates")  # ClaimLink.relation

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
        RELATION: ("Relations", {"name": RELATION, "toName": TEXT}, _children("Relation", LINK_RELATIONS)),
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
