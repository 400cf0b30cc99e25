"""The numpy MiniLM encoder against the encoder it replaced (int8 ONNX run by onnxruntime, `tokenizers`).

minilm_reference.json holds that encoder's output for sentences of our own wording: its
vectors, and its token ids for those and for text that tests the tokenizer's corners
(accents, Greek, CJK, control and zero-width characters, symbols, over-long words and input).
"""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from annotate.linking import vectors

REFERENCE = json.loads((Path(__file__).parent / "minilm_reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def encoder():
    return vectors.encoder()


def test_the_wordpiece_tokenizer_gives_the_ids_tokenizers_gave(encoder):
    for text, ids in REFERENCE["token_ids"].items():
        assert encoder.tokenizer.encode(text) == ids, text


def test_long_input_is_cut_to_the_model_limit_and_still_closed(encoder):
    ids = encoder.tokenizer.encode("troops " * 500)
    assert len(ids) == vectors.MAX_TOKENS and ids[0] == encoder.tokenizer.cls and ids[-1] == encoder.tokenizer.sep


def test_vectors_match_the_onnx_model_they_replace(encoder):
    sentences = list(REFERENCE["vectors"])
    want = np.array([REFERENCE["vectors"][s] for s in sentences], dtype=np.float32)
    got = encoder.encode(sentences)
    cosines = (got * want).sum(1) / np.linalg.norm(want, axis=1)
    assert cosines.mean() >= 0.99 and cosines.min() >= 0.98, cosines
    # and the neighbours stay the neighbours: the paraphrase pair is still each other's nearest
    assert int(np.argsort(got @ got[0])[-2]) == 1
    assert "onnxruntime" not in sys.modules and "tokenizers" not in sys.modules


def test_a_text_encodes_the_same_alone_as_in_a_padded_batch(encoder):
    short, long = "Talks resumed.", "The ministry said the convoy of forty trucks reached the city after a two-day delay at the border."
    alone = encoder.encode([short])[0]
    batched = encoder.encode([long, short, ""])
    assert float(alone @ batched[1]) > 0.9999
    assert np.allclose(np.linalg.norm(batched, axis=1), 1, atol=1e-5)  # an empty text still gives a unit vector
