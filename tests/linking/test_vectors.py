"""The sentence vectors: the shipped int8 MiniLM model, run without torch, and the claim-vector index."""

import sys

import numpy as np

from annotate.linking import index, vectors
from annotate.store.ledger import Change


def test_the_model_ships_with_the_package_and_needs_no_torch():
    assert vectors.available()
    encoded = vectors.encoder().encode(
        [
            "Kyiv could pull its troops out of the besieged city.",
            "Ukraine may withdraw its forces from the surrounded town.",
            "Grain exports rose in the autumn.",
        ]
    )
    assert encoded.shape == (3, vectors.DIMENSIONS)
    assert np.allclose(np.linalg.norm(encoded, axis=1), 1, atol=1e-5)
    same, other = float(encoded[0] @ encoded[1]), float(encoded[0] @ encoded[2])
    assert same > 0.5 > other
    assert "torch" not in sys.modules and "transformers" not in sys.modules


def test_stored_int8_vectors_keep_the_cosine():
    encoded = vectors.encoder().encode(["The dam was blown up overnight.", "Officials said the dam burst after shelling."])
    stored = vectors.from_bytes([vectors.to_bytes(v) for v in encoded])
    assert abs(float(stored[0] @ stored[1]) - float(encoded[0] @ encoded[1])) < 0.02


def test_claims_are_indexed_as_they_come_and_again_when_their_quote_changes(record, newsroom):
    first = newsroom.story("a.md", "2023-06-06", "Wire", "The dam was blown up overnight.")[0]
    with record.session() as s:
        assert index.index_new(s) == 1
        assert index.index_new(s) == 0  # nothing new: nothing encoded
    second = newsroom.story("b.md", "2023-06-07", "Daily", "Officials said the dam burst after shelling.")[0]
    with record.session() as s:
        assert index.index_new(s) == 1
        before = index.vector_of(s, first)
    record.ledger.record("alice", "ui", Change("claim.corrected", "claim", first, set={"quote": "Grain exports rose in the autumn."}))
    with record.session() as s:
        assert index.vector_of(s, first) is None  # the database forgot the stale vector
        assert index.index_missing(s) == 1
        after = index.vector_of(s, first)
        assert float(before @ after) < 0.5
        assert [c for c, _ in index.nearest(s, index.vector_of(s, second), None, 1)] == [second]
