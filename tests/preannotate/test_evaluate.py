"""Scoring candidates against a gold standard, and a quality floor on our samples."""

from annotate.preannotate.evaluate import claim_match, evaluate, format_misses, format_report, read_jsonl
from annotate.preannotate.jsonl import candidates_to_json
from annotate.preannotate.rules import RulesAnnotator
from tests.factories import GOLD, sample, written_dates_only

GOLD_DOC = {
    "doc": "d",
    "entities": [{"start": 0, "end": 5, "label": "GPE"}, {"start": 10, "end": 15, "label": "PERSON"}],
    "claims": [{"start": 0, "end": 40, "claimant": "Kyiv", "event_date": "2024-01-02"}],
}


def test_exact_span_and_label_for_entities():
    predicted = {
        "doc": "d",
        "entities": [{"start": 0, "end": 5, "label": "GPE", "score": 0.9}, {"start": 10, "end": 14, "label": "PERSON", "score": 0.9}],
        "claims": [],
    }
    report = evaluate([GOLD_DOC], [predicted])
    assert (report.entities["GPE"].f1, report.entities["PERSON"].f1) == (1.0, 0.0)
    assert report.entities["ALL"].precision == 0.5


def test_claim_overlap_rule():
    gold = {"start": 0, "end": 40}
    assert claim_match(gold, {"start": 0, "end": 30})
    assert not claim_match(gold, {"start": 0, "end": 15})  # covers less than half of the gold claim
    assert not claim_match(gold, {"start": 10, "end": 100})  # mostly outside the gold claim


def test_claimant_and_date_accuracy_and_effort():
    predicted = {
        "doc": "d",
        "entities": [],
        "claims": [{"start": 2, "end": 40, "claimant": "kyiv", "event_date": None, "score": 0.9}],
    }
    report = evaluate([GOLD_DOC], [predicted])
    assert (report.claim_recall, report.claimant_accuracy, report.date_accuracy) == (1.0, 1.0, 0.0)
    assert +report.actions == {"add": 2, "edit": 1}  # two entities to add, one date to fix
    assert 0 < report.effort < 1
    assert "recall 1.00" in format_report(report)


def test_misses_name_each_claim_behind_the_accuracies():
    gold = {
        **GOLD_DOC,
        "claims": [*GOLD_DOC["claims"], {"start": 60, "end": 90, "claimant": "the mayor", "event_date": None, "text": "The ferry was cancelled"}],
    }
    predicted = {"doc": "d", "entities": [], "claims": [{"start": 2, "end": 40, "claimant": "kyiv", "event_date": "2024-01-03", "score": 0.9}]}
    report = evaluate([gold], [predicted])
    assert [(m["wrong"], m["start"]) for m in report.misses] == [(["event_date"], 0), (["not found"], 60)]
    listed = format_misses(report)
    assert "gold '2024-01-02'  proposed '2024-01-03'" in listed and "not found   d:60-90  'The ferry was cancelled'" in listed


def test_two_names_of_one_organisation_are_the_same_claimant():
    gold = {**GOLD_DOC, "entities": [], "claims": [{"start": 0, "end": 40, "claimant": "ISW", "event_date": None}]}
    predicted = {"doc": "d", "entities": [], "claims": [{"start": 0, "end": 40, "claimant": "Institute for the Study of War", "event_date": None}]}
    assert evaluate([gold], [predicted]).claimant_accuracy == 1.0


def test_nothing_predicted_costs_as_much_as_starting_from_scratch():
    report = evaluate([GOLD_DOC], [])
    assert report.effort == 1.0


def test_quality_floor_on_our_sample_documents():
    gold = read_jsonl(GOLD)
    annotator = RulesAnnotator()
    predicted = []
    for record in gold:
        doc = sample(record["doc"])
        entities, claims = annotator.annotate(doc)
        predicted.append(written_dates_only(candidates_to_json(record["doc"], doc.text, entities, claims, annotator)))
    report = evaluate(gold, predicted)
    assert report.entities["ALL"].f1 >= 0.9
    assert report.claim_recall >= 0.9
    assert report.claimant_accuracy >= 0.85
    assert report.date_accuracy >= 0.85
    assert report.effort <= 0.2


def test_our_finer_labels_are_mapped_onto_a_coarser_gold():
    gold = {
        "doc": "d",
        "claims": [],
        "entities": [{"start": 0, "end": 5, "label": "LOC"}, {"start": 10, "end": 15, "label": "ORG"}, {"start": 20, "end": 25, "label": "PERSON"}],
    }
    predicted = {
        "doc": "d",
        "claims": [],
        "entities": [
            {"start": 0, "end": 5, "label": "GPE", "score": 0.9},
            {"start": 10, "end": 15, "label": "MILITARY_UNIT", "score": 0.9},
            {"start": 20, "end": 25, "label": "PERSON", "score": 0.9},
            {"start": 30, "end": 37, "label": "NORP", "score": 0.9},
        ],
    }
    report = evaluate([gold], [predicted])
    assert report.entities["ALL"].f1 == 1.0  # NORP is left out: the gold does not annotate it
    assert report.label_map == {"GPE": "LOC", "MILITARY_UNIT": "ORG", "NORP": None}
    assert "GPE->LOC" in format_report(report)


def test_labels_the_gold_uses_are_compared_exactly():
    gold = {"doc": "d", "claims": [], "entities": [{"start": 0, "end": 5, "label": "GPE"}, {"start": 6, "end": 9, "label": "LOC"}]}
    predicted = {"doc": "d", "claims": [], "entities": [{"start": 0, "end": 5, "label": "LOC"}, {"start": 6, "end": 9, "label": "GPE"}]}
    assert evaluate([gold], [predicted]).entities["ALL"].f1 == 0.0


def test_claims_below_the_threshold_are_hidden():
    predicted = {"doc": "d", "entities": [], "claims": [{"start": 0, "end": 40, "claimant": "Kyiv", "event_date": "2024-01-02", "score": 0.3}]}
    assert evaluate([GOLD_DOC], [predicted]).claim_recall == 1.0
    assert evaluate([GOLD_DOC], [predicted], threshold=0.5).claim_recall == 0.0


def test_a_merged_near_duplicate_matches_at_either_span():
    predicted = {"doc": "d", "entities": [], "claims": [{"start": 100, "end": 140, "also": [[0, 40]], "claimant": "Kyiv", "event_date": "2024-01-02"}]}
    assert evaluate([GOLD_DOC], [predicted]).claim_recall == 1.0


def test_sentence_precision_recall_and_average_precision():
    from annotate.preannotate.sentence_scores import score_sentences

    sentences = [
        {"doc": "d", "start": 0, "end": 10, "label": "claim"},
        {"doc": "d", "start": 11, "end": 20, "label": "not"},
        {"doc": "d", "start": 21, "end": 30, "label": "claim"},
        {"doc": "d", "start": 31, "end": 40, "label": "skip"},
    ]
    claims = [
        {"start": 0, "end": 10, "score": 0.9},  # claim, ranked first
        {"start": 11, "end": 20, "score": 0.6},  # not a claim, ranked second
        {"start": 21, "end": 24, "score": 0.95},  # covers less than half: says nothing
        {"start": 31, "end": 40, "score": 0.9},  # skip: left out
    ]
    report = score_sentences(sentences, [{"doc": "d", "claims": claims}], threshold=0.5)
    assert (report.tp, report.fp, report.fn) == (1, 1, 1)
    assert report.average_precision == 0.5  # one of two claims found, at rank 1
    assert report.base_rate == 2 / 3
