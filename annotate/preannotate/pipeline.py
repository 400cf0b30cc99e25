"""The one spaCy pipeline, built once per process and shared by all annotators.

spaCy's blank English tokenizer costs ~11 ms per 10k characters and splits
"Lvova-Belova" and "Kupyansk-Svatove-Kreminna" into pieces; a single regex
tokenizer is ~3x faster and keeps hyphenated names whole (the gazetteer looks
inside hyphenated place lines itself). Phrases are tokenised with this same
tokenizer, once: a fresh pipeline per phrase made start-up take 8-9 s in the probe.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .gazetteer import Gazetteer
from .segment import segment

# Alternatives ordered so the first that fits is right: abbreviations ("U.S."),
# words with inner hyphens or apostrophes but not a possessive 's, numbers with
# separators or an ordinal suffix, the possessive itself, any other character.
_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}"
    r"|[^\W\d_]+(?:[-/][^\W_]+|'(?!s\b)[^\W\d_]+)*"
    r"|\d+(?:[.,:/]\d+)*(?:st|nd|rd|th)?"
    r"|'s\b|\S"
)


class RegexTokenizer:
    """Words, numbers and punctuation; whitespace kept so doc.text == text."""

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words, spaces, starts, pos = [], [], [], 0
        for m in _TOKEN.finditer(text):
            if m.start() > pos:
                _add_gap(words, spaces, starts, text, pos, m.start())
            words.append(m.group())
            spaces.append(False)
            starts.append(m.start())
            pos = m.end()
        if pos < len(text):
            _add_gap(words, spaces, starts, text, pos, len(text))
        doc = Doc(self.vocab, words=words, spaces=spaces)
        # Plain lists and the text itself: iterating Token objects (which doc.text
        # does) costs ~3 µs per token.
        doc.user_data.update(words=words, starts=starts, text=text)
        return doc

    def pipe(self, texts):
        return (self(t) for t in texts)


def _add_gap(words, spaces, starts, text: str, start: int, end: int) -> None:
    """Whitespace between tokens: one space is a flag, anything else a token."""
    if words and text[start] == " " and not spaces[-1]:
        spaces[-1] = True
        start += 1
    if start < end:
        words.append(text[start:end])
        spaces.append(False)
        starts.append(start)


@Language.component("claimtrail_sentences")
def line_sentences(doc: Doc) -> Doc:
    """Sentence starts from the newline-aware segmenter (segment.py)."""
    segs = segment(doc.user_data["text"])
    if len(doc):
        # One array write: setting token.is_sent_start one by one costs ~40 ms per doc.
        idx = numpy.array(doc.user_data.get("starts") or doc.to_array("IDX"), dtype="int64")
        flags = numpy.where(numpy.isin(idx, [s.start for s in segs]), 1, -1)
        flags[0] = 1
        doc.from_array([SENT_START], flags.astype("uint64").reshape(-1, 1))
    doc.user_data["segments"] = segs
    return doc


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = RegexTokenizer(nlp.vocab)
    nlp.add_pipe("claimtrail_sentences")
    return nlp


def phrase_matcher(gaz: Gazetteer) -> PhraseMatcher:
    """One PhraseMatcher key per entry ("label|kind|canonical"), its aliases as patterns."""
    nlp = get_nlp()
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    by_key: dict[str, list[str]] = {}
    for alias, entry in gaz.aliases.items():
        by_key.setdefault(f"{entry.label}|{entry.kind}|{entry.canonical}", []).append(alias)
    for key, aliases in by_key.items():
        matcher.add(key, list(nlp.tokenizer.pipe(aliases)))
    return matcher


@lru_cache(maxsize=1)
def default_phrase_matcher() -> PhraseMatcher:
    from .gazetteer import default_gazetteer

    return phrase_matcher(default_gazetteer())
