"""The dependency parse as a second reader of who speaks.

The attribution patterns (attribution.py) find most speakers at a fraction of the cost.
A sentence they leave without one, but which holds a verb of saying they do not read
("hinted", "maintains", "suggested" without "that"), is parsed with the pretrained
pipeline (pretrained.py; tagger, parser and lemmatizer, no NER): such a verb, when it is
the sentence's own and takes a clause ("the spokesperson hinted the attack was staged"),
names its speaker as its nominal subject. Only those few sentences are parsed, so
pre-annotation stays fast (parsing every candidate sentence halved its speed); without
an installed pipeline this reader is silent.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .attribution import Attribution
from .found import Found

# Verbs of saying the attribution patterns do not read (or read only before "that"): the
# parse decides whether they take a clause and who their subject is.
SPEECH = frozenset("hint imply maintain contend concede remark recount recall counter retort estimate suggest believe indicate".split())
# Cheap filter before parsing: one of their forms in the sentence.
_ANY_FORM = re.compile(
    r"\b(?:hint(?:s|ed)?|impl(?:y|ies|ied)|maintain(?:s|ed)?|contend(?:s|ed)?|conced(?:e|es|ed)|remark(?:s|ed)?|"
    r"recount(?:s|ed)?|recall(?:s|ed)?|counter(?:s|ed)|retort(?:s|ed)?|estimat(?:e|es|ed)|suggest(?:s|ed)?|"
    r"believ(?:e|es|ed)|indicat(?:e|es|ed))\b",
    re.I,
)
_CLAUSE_DEPS = frozenset({"ccomp", "xcomp"})
_SUBJECT_DEPS = frozenset({"nsubj"})
MAX_SUBJECT_WORDS = 12
_EVIDENCE = frozenset("footage imagery image video photo photograph data evidence analysis statistic figure map finding".split())
_DISABLED = ("ner",)


def attribution(text: str, start: int, end: int, entities: list[Found]) -> Attribution | None:
    """A speaker the parse finds in text[start:end], as an Attribution (None if none)."""
    if not _ANY_FORM.search(text, start, end):
        return None
    nlp = _pipeline()
    if nlp is None:
        return None
    doc = nlp(text[start:end])
    for token in doc:
        if token.pos_ != "VERB" or token.lemma_.lower() not in SPEECH or not _main(token):
            continue
        if not any(c.dep_ in _CLAUSE_DEPS for c in token.children):
            continue
        subject = next((c for c in token.children if c.dep_ in _SUBJECT_DEPS), None)
        if subject is None or subject.lemma_.lower() in _EVIDENCE:
            continue  # "Geolocated footage published on April 4 indicates": read by whoever cites it
        return _as_attribution(text, start, end, token, subject, entities)
    return None


def _main(verb) -> bool:
    """The sentence's own verb (or one joined to it), not negated: "did not say" says nothing,
    "officials who said" is embedded."""
    if any(c.dep_ == "neg" for c in verb.children):
        return False
    return verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT")


def _as_attribution(text: str, start: int, end: int, verb, subject, entities: list[Found]) -> Attribution | None:
    left, right = subject.left_edge, subject.right_edge
    span = (start + left.idx, start + right.idx + len(right.text))
    if right.i - left.i + 1 > MAX_SUBJECT_WORDS:
        return None
    verb_span = (start + verb.idx, start + verb.idx + len(verb.text))
    named = [f for f in entities if span[0] <= f.start and f.end <= span[1] and f.label in ("PERSON", "ORG", "MILITARY_UNIT")]
    pronoun = subject.lower_ if subject.pos_ == "PRON" and left.i == right.i else None
    content = (verb_span[1], end)
    if named:
        best = sorted(named, key=lambda f: f.label != "PERSON")[0]
        return Attribution(verb.lower_, verb_span, "parse", best, None, None, None, content)
    if pronoun:
        return Attribution(verb.lower_, verb_span, "parse", None, None, pronoun, None, content)
    return Attribution(verb.lower_, verb_span, "parse", None, span, None, None, content)


@lru_cache(maxsize=1)
def _pipeline():
    """The pretrained pipeline without NER, or None when none is installed."""
    from .pretrained import PipelineMissing, load

    try:
        nlp = load()
    except PipelineMissing:
        return None
    return _Reader(nlp)


class _Reader:
    """The pipeline with NER (which we do not need) switched off for each call."""

    def __init__(self, nlp):
        self.nlp = nlp
        self.disabled = [name for name in _DISABLED if name in nlp.pipe_names]

    def __call__(self, text: str):
        with self.nlp.select_pipes(disable=self.disabled):
            return self.nlp(text)
