"""The hooks the database side uses: learned names and demoted rules."""

from annotate.preannotate.base import DocumentInput, pattern_id
from annotate.preannotate.rules import RulesAnnotator

NEXT_DOCUMENT = DocumentInput("Drones hit the Zorya Mashproekt works near Mykolaiv on 2 May.", published="2024-05-03")


def test_accepting_a_name_changes_the_next_documents_suggestions():
    before = {e.text for e in RulesAnnotator().annotate(NEXT_DOCUMENT)[0]}
    assert "Zorya Mashproekt" not in before
    learned = RulesAnnotator(extra_names={"Zorya Mashproekt": ("ORG", "Zorya-Mashproekt")})
    [found] = [e for e in learned.annotate(NEXT_DOCUMENT)[0] if e.text == "Zorya Mashproekt"]
    assert (found.label, found.canonical) == ("ORG", "Zorya-Mashproekt")
    assert pattern_id(found.reason) == "gaz.learned"


def test_a_learned_variant_joins_a_known_entity():
    annotator = RulesAnnotator(extra_names={"Kupjanske": ("GPE", "Kupiansk")})
    [found] = [e for e in annotator.annotate(DocumentInput("Shelling hit Kupjanske again."))[0] if e.text == "Kupjanske"]
    assert found.canonical == "Kupiansk"


def test_a_demoted_rule_keeps_a_fraction_of_its_score():
    text = "Troops moved near Zelenoborske overnight, residents said."
    plain = {e.text: e for e in RulesAnnotator().annotate(DocumentInput(text))[0]}
    rule = pattern_id(plain["Zelenoborske"].reason)
    demoted = {e.text: e for e in RulesAnnotator(demoted={rule}).annotate(DocumentInput(text))[0]}
    assert demoted["Zelenoborske"].score < plain["Zelenoborske"].score / 2


def test_every_candidate_names_its_rule():
    entities, claims = RulesAnnotator().annotate(NEXT_DOCUMENT)
    assert all(pattern_id(c.reason) and "." in pattern_id(c.reason) for c in entities + claims)


def test_what_was_learned_is_part_of_the_version():
    plain, learned = RulesAnnotator(), RulesAnnotator(extra_names={"Zorya Mashproekt": "ORG"})
    demoted = RulesAnnotator(demoted={"gpe.context"})
    assert len({plain.version, learned.version, demoted.version}) == 3
    assert learned.version.startswith(plain.version)
    assert RulesAnnotator(extra_names={"Zorya Mashproekt": "ORG"}).version == learned.version
