"""The default annotator: spaCy's blank English pipeline plus our rules and gazetteer.

Reviewer feedback plugs in at construction: `extra_names` (confirmed names, each
mapped to a label or to (label, canonical)) join the gazetteer, and candidates made
by a pattern id in `demoted` keep only a fraction of their score. Both change the
version string, so every candidate records exactly which rules made it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from .base import ClaimCandidate, DocumentInput, EntityCandidate, pattern_id, reason
from .claims import find_claims
from .context import ClaimContext
from .dates import reference_date
from .entities import find_entities, proposed
from .found import Found
from .gazetteer import Gazetteer, default_gazetteer
from .pipeline import default_phrase_matcher, get_nlp, phrase_matcher
from .pretrained import load_ner, pipeline_name
from .segment import unwrap
from .textprep import mask, normalise, overlaps_any
from .unseen import model_names

VERSION = "0.3.0"  # bump whenever a rule, list or the gazetteer changes
DEMOTION = 0.3  # a demoted pattern keeps this share of its score


class RulesAnnotator:
    """`pipeline`: the pretrained spaCy pipeline that finds names the rules do not know
    (default: the configured one, see pretrained.py; None or "none": rules only)."""

    name = "rules"

    def __init__(
        self,
        extra_names: Mapping[str, str | tuple[str, str]] | None = None,
        demoted: set[str] | frozenset[str] | None = None,
        pipeline: str | None = "default",
    ):
        self.extra_names = dict(extra_names or {})
        self.demoted = frozenset(demoted or ())
        self.pipeline = pipeline_name() if pipeline == "default" else pipeline if pipeline not in (None, "", "none") else None
        self.version = VERSION + _pipeline_suffix(self.pipeline) + _learned_suffix(self.extra_names, self.demoted)
        self._gaz: Gazetteer | None = None
        self._matcher = None
        self._ner = None

    def _resources(self):
        """Gazetteer and matcher: shared defaults, or our own copy with learned names."""
        if self._gaz is None:
            if self.extra_names:
                self._gaz = default_gazetteer().with_extra(self.extra_names)
                self._matcher = phrase_matcher(self._gaz)
            else:
                self._gaz, self._matcher = default_gazetteer(), default_phrase_matcher()
        return self._gaz, self._matcher

    def annotate(self, doc: DocumentInput) -> tuple[list[EntityCandidate], list[ClaimCandidate]]:
        gaz, matcher = self._resources()
        text = unwrap(mask(normalise(doc.text), doc.boilerplate))
        spacy_doc = get_nlp()(text)
        ref = reference_date(doc.published, text)
        found = find_entities(spacy_doc, gaz, matcher, ref, self._model(gaz))
        publisher = _publisher(doc, gaz, found, text)
        ctx = ClaimContext(doc.text, text, spacy_doc.user_data["segments"], found, publisher, ref)
        claims = find_claims(ctx)
        entities = [self._entity(doc.text, f) for f in proposed(found, text)]
        return self._keep(entities, doc), self._keep([self._demote(c) for c in claims], doc)

    def _model(self, gaz: Gazetteer):
        """The model step for find_entities, loading the pipeline on first use."""
        if self.pipeline is None:
            return None
        if self._ner is None:
            self._ner = load_ner(self.pipeline)
        nlp, source = self._ner, self.pipeline
        return lambda text, tv, taken: model_names(nlp, text, tv, taken, gaz, source)

    def _entity(self, text: str, f: Found) -> EntityCandidate:
        cand = EntityCandidate(f.start, f.end, text[f.start : f.end], f.label, f.score, reason(f.pid, f.why), f.canonical)
        return self._demote(cand)

    def _demote(self, cand):
        if self.demoted and pattern_id(cand.reason) in self.demoted:
            return type(cand)(**{**cand.__dict__, "score": round(cand.score * DEMOTION, 3)})
        return cand

    @staticmethod
    def _keep(cands: list, doc: DocumentInput) -> list:
        if not doc.boilerplate:
            return cands
        return [c for c in cands if not overlaps_any(c.start, c.end, doc.boilerplate)]


def _learned_suffix(extra: dict, demoted: frozenset[str]) -> str:
    if not extra and not demoted:
        return ""
    blob = json.dumps([sorted((k, v if isinstance(v, str) else list(v)) for k, v in extra.items()), sorted(demoted)])
    return "+l" + hashlib.sha256(blob.encode()).hexdigest()[:8]


def _pipeline_suffix(pipeline: str | None) -> str:
    """The model joins the version, so candidates say whether a model helped make them."""
    if pipeline is None:
        return ""
    try:
        from importlib.metadata import version

        return f"+{pipeline}-{version(pipeline)}"
    except Exception:  # a path, or a package without metadata
        return f"+{pipeline}"


def _publisher(doc: DocumentInput, gaz: Gazetteer, found: list[Found], text: str) -> str | None:
    """The publisher's canonical name; failing metadata, an organisation alone on a header line."""
    if doc.publisher:
        entry = gaz.get(normalise(doc.publisher).strip()) or _in_name(gaz, doc.publisher)
        return entry.canonical if entry else doc.publisher.strip()
    head = text[:600]
    for f in found:
        if f.start >= len(head):
            break
        line_start = head.rfind("\n", 0, f.start) + 1
        line_end = head.find("\n", f.end)
        line = head[line_start : line_end if line_end >= 0 else len(head)].strip()
        if f.label == "ORG" and line == text[f.start : f.end]:
            return f.canonical
    return None


def _in_name(gaz: Gazetteer, publisher: str):
    """ "Institute for the Study of War (ISW)" -> the entry for either part."""
    for part in publisher.replace(")", "").split("("):
        entry = gaz.get(part.strip())
        if entry:
            return entry
    return None
