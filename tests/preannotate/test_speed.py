"""A loose guard on speed; the measured figures are in the report (about 15 ms per
10k-character document on one core). Shared machines are noisy, so the best of
several runs is compared, with a wide margin."""

import time

from annotate.preannotate.base import DocumentInput
from tests.factories import sample, sample_names


def test_a_10k_document_takes_well_under_100_ms(rules):
    text = "\n\n".join(sample(n).text for n in sample_names())
    doc = DocumentInput((text * (10_000 // len(text) + 1))[:10_000], published="2024-03-01")
    rules.annotate(doc)  # warm-up: spaCy, gazetteer and matcher load once
    timings = []
    for _ in range(7):
        start = time.perf_counter()
        rules.annotate(doc)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.1
