"""Dev-set regression for claimants and event dates (skips without ../shared/corpus/dev).

Floors sit just under what `claimtrail evaluate --gold ../shared/corpus/dev/gold.jsonl
../shared/corpus/dev/docs` measured when they were set (here with every candidate, no threshold: claim recall
0.986, claimant 0.863, event date 0.849);
a change that loses ground fails here. The figures are for the lead's closing note, not a
target to tune to: the held-out set has other stories and outlets.
"""

import pytest

from tests.factories import CORPUS

DEV = CORPUS / "dev"
CLAIMANT_FLOOR = 0.85
EVENT_DATE_FLOOR = 0.84  # 0.849 with every candidate (0.854 above the threshold) when set
CLAIM_RECALL_FLOOR = 0.96


@pytest.fixture(scope="module")
def dev_report():
    if not (DEV / "gold.jsonl").exists():
        pytest.skip(f"dev corpus not available: {DEV}")
    import annotate.cli  # noqa: F401  (registers the commands read_inputs lives beside)
    from annotate.commands.preannotate import read_inputs
    from annotate.preannotate.evaluate import evaluate, predictions, read_jsonl
    from annotate.preannotate.rules import RulesAnnotator

    documents, failed = read_inputs([str(DEV / "docs")])
    assert failed == 0
    return evaluate(read_jsonl(str(DEV / "gold.jsonl")), predictions(RulesAnnotator(), documents))


def test_claimants_on_the_dev_set(dev_report):
    assert dev_report.claim_recall >= CLAIM_RECALL_FLOOR
    assert dev_report.claimant_accuracy >= CLAIMANT_FLOOR


def test_event_dates_on_the_dev_set(dev_report):
    assert dev_report.date_accuracy >= EVENT_DATE_FLOOR
