"""Fixtures for the pre-annotation tests: one rules annotator, our sample
documents, and the shared corpus (tests that need it skip when it is absent)."""

import pytest

from annotate.preannotate.base import DocumentInput
from annotate.preannotate.rules import RulesAnnotator

# The tests share helpers in preannotate_helpers.py; with --import-mode=importlib


@pytest.fixture(scope="session")
def rules() -> RulesAnnotator:
    return RulesAnnotator()


@pytest.fixture(scope="session")
def annotate(rules):
    """annotate(text, published=..., publisher=...) -> (entities, claims)."""

    def run(text: str, **meta):
        return rules.annotate(DocumentInput(text, **meta))

    return run
