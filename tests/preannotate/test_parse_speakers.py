"""The dependency parse reads speakers the attribution patterns miss (skips without the
pretrained pipeline)."""

import pytest

from annotate.preannotate import parse
from annotate.preannotate.pretrained import PipelineMissing, load


@pytest.fixture(scope="module", autouse=True)
def pipeline():
    try:
        load()
    except PipelineMissing as missing:
        pytest.skip(str(missing))


def test_a_verb_the_patterns_do_not_read_names_its_subject(annotate):
    _, claims = annotate("The army spokesperson hinted the convoy had been ambushed near the border.", published="2025-03-14", publisher="Example Daily")
    assert claims[0].claimant == "army spokesperson"


def test_a_negated_or_embedded_verb_names_no_speaker(annotate):
    _, claims = annotate("The governor has not hinted the bridge would close.", published="2025-03-14", publisher="Example Daily")
    assert claims[0].claimant == "Example Daily"
    assert parse.attribution("Officials who hinted the talks had failed left early.", 0, 52, []) is None


def test_evidence_is_not_a_speaker():
    text = "Satellite imagery suggests the depot was destroyed."
    assert parse.attribution(text, 0, len(text), []) is None


def test_sentences_without_such_a_verb_are_not_parsed(monkeypatch):
    monkeypatch.setattr(parse, "_pipeline", lambda: pytest.fail("parsed"))
    text = "Three warehouses burned near the port on March 12."
    assert parse.attribution(text, 0, len(text), []) is None
