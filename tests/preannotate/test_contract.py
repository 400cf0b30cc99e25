"""One suite every registered annotator passes: built-ins and installed plug-ins."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotate.preannotate.base import LABELS, DocumentInput
from annotate.preannotate.contract import check_annotator, check_output
from annotate.preannotate.registry import available, get_annotator
from tests.factories import sample, sample_names

TEXT = (
    "Kyiv, 3 June 2024\n\n"
    "Ukrainian President Volodymyr Zelensky stated on June 2 that Kyiv will not withdraw from Chasiv Yar.\n"
    "Share this article\n\n"
    "Russian forces likely advanced near Kupyansk.\u00a0The General Staff reported 40 clashes [1].\n"
)
EDGE_CASES = [
    DocumentInput(""),
    DocumentInput("   \n\n  "),
    DocumentInput("?"),
    DocumentInput("Émigrés in İstanbul said “no” — twice.", published="2024-02"),
    DocumentInput(TEXT, published="2024-06-03", publisher="Example News"),
    DocumentInput(TEXT, published="2024-06-03", boilerplate=((TEXT.index("Share"), TEXT.index("Russian forces")),)),
    DocumentInput(TEXT, boilerplate=((0, len(TEXT)),)),
]


@pytest.fixture(scope="module", params=available())
def annotator(request):
    return get_annotator(request.param)


def documents():
    return EDGE_CASES + [sample(name) for name in sample_names()]


def test_name_and_version_are_set(annotator):
    assert check_annotator(annotator) == []


@pytest.mark.parametrize("doc", documents(), ids=lambda d: repr(d.text[:20]))
def test_candidates_respect_the_contract(annotator, doc):
    entities, claims = annotator.annotate(doc)
    assert check_output(doc, entities, claims) == []
    assert all(e.label in LABELS for e in entities)


@pytest.mark.parametrize("doc", documents()[-3:], ids=lambda d: repr(d.text[:20]))
def test_output_is_deterministic(annotator, doc):
    assert annotator.annotate(doc) == annotator.annotate(doc)
    assert get_annotator(annotator.name).annotate(doc) == annotator.annotate(doc)


def test_nothing_is_suggested_inside_boilerplate(annotator):
    doc = DocumentInput(TEXT, boilerplate=((0, len(TEXT)),))
    assert annotator.annotate(doc) == ([], [])


_pieces = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz ABCKOPRZ.,;:'\"“”’-–()[]?!\n 0123456789\u00a0")
    + ["Kyiv ", "Putin said that ", "on 5 May ", "Oblast.4 ", "Key Takeaways\n", "• ", " (ISW) ", "İ"]
)
_texts = st.lists(_pieces, max_size=120).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_texts, data=st.data())
def test_any_text_yields_valid_candidates(annotator, text, data):
    cut = sorted(data.draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=2)))
    doc = DocumentInput(text, published="2023-11-30", boilerplate=(tuple(cut),) if cut[0] < cut[1] else ())
    entities, claims = annotator.annotate(doc)
    assert check_output(doc, entities, claims) == []
