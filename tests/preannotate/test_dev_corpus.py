"""Floors on the shared dev corpus (36 real reports; skipped when it is absent).

The floors sit just under what the pipeline reached when they were set, so a change that
loses ground fails here; the figures themselves come from `claimtrail evaluate` (README)."""

import pytest

from annotate.preannotate.evaluate import evaluate, predictions, read_jsonl
from annotate.preannotate.sentence_scores import score_sentences
from annotate.preannotate.shown import DEFAULT_THRESHOLD
from tests.factories import CORPUS

DEV = CORPUS / "dev"


@pytest.fixture(scope="module")
def dev(rules):
    if not (DEV / "gold.jsonl").exists():
        pytest.skip(f"dev corpus not available: {DEV}")
    from annotate.commands.preannotate import read_inputs

    documents, failed = read_inputs([str(DEV / "docs")])
    assert failed == 0
    return read_jsonl(DEV / "gold.jsonl"), predictions(rules, documents)


def test_entities_with_the_gold_label_set(dev):
    gold, predicted = dev
    report = evaluate(gold, predicted, threshold=DEFAULT_THRESHOLD)
    assert report.entities["ALL"].f1 >= 0.89
    assert report.entities["PERSON"].f1 >= 0.92 and report.entities["LOC"].f1 >= 0.92
    assert report.claim_recall >= 0.92


def test_claims_by_sentence(dev):
    _, predicted = dev
    report = score_sentences(read_jsonl(DEV / "sentences.jsonl"), predicted, DEFAULT_THRESHOLD)
    assert report.precision >= 0.955 and report.recall >= 0.965
    assert report.average_precision >= 0.95
    assert report.precision > report.base_rate + 0.1  # far better than calling every sentence a claim
