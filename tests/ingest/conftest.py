"""Fixtures for the ingest tests."""

import pytest


@pytest.fixture
def seed(corpus):
    """seed("000") → the text of that seed report (skips where ../shared/corpus is absent)."""

    def read(prefix: str) -> str:
        (path,) = (corpus / "seeds").glob(f"{prefix}_*.txt")
        return path.read_text(encoding="utf-8")

    return read
