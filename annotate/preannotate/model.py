"""Annotators built on a model from `claimtrail train`.

* `TrainedAnnotator` ("trained"): the model alone, proposing only the labels its
  held-out evaluation trusted it for. Its version is the model's, so every candidate
  recorded as "trained@<version>" leads back to the model's claimtrail.json and the
  decisions it learned from.
* `CombinedAnnotator` ("rules+model"): the rules and the model side by side (the probe's
  advice until reviewers have confirmed thousands of sentences). Its version names
  both; its candidates' reasons say which of them made each one ("model.ner: …" or a
  rule id).

Neither is a registry built-in (they need a trained model on disk): the preannotate
command builds them through `model_annotator()` from the active model in CLAIMTRAIL_HOME.
"""

from __future__ import annotations

import json
from pathlib import Path

from annotate.errors import NotFound

from .base import LABELS, ClaimCandidate, DocumentInput, EntityCandidate, reason
from .segment import segment
from .textprep import mask, overlaps_any
from .training import models_dir, prepare

MODEL_ANNOTATORS = ("trained", "rules+model")


class NoModel(NotFound):
    """No trained model is active."""


class TrainedAnnotator:
    name = "trained"

    def __init__(self, path: str | Path):
        import spacy

        self.path = Path(path)
        self.meta = json.loads((self.path / "claimtrail.json").read_text(encoding="utf-8"))
        self.version = self.meta["version"]
        self.trusted = frozenset(self.meta["trusted_labels"]) & LABELS
        self._scores = self.meta["scores"]["model"]
        self._nlp = spacy.load(self.path)

    def annotate(self, doc: DocumentInput) -> tuple[list[EntityCandidate], list[ClaimCandidate]]:
        if not self.trusted:
            return [], []
        text = prepare(mask(doc.text, doc.boilerplate))
        segs = [s for s in segment(text) if text[s.start : s.end].strip()]
        out = []
        for seg, parsed in zip(segs, self._nlp.pipe(text[s.start : s.end] for s in segs)):
            for e in parsed.ents:
                start, end = seg.start + e.start_char, seg.start + e.end_char
                if e.label_ in self.trusted and doc.text[start:end].strip() and not overlaps_any(start, end, doc.boilerplate):
                    out.append(self._candidate(doc.text, start, end, e.label_))
        return out, []

    def _candidate(self, text: str, start: int, end: int, label: str) -> EntityCandidate:
        """Scored by the label's held-out precision: how often such a suggestion was right."""
        held = self._scores.get(label, {})
        why = f"ner-{self.version} {label}, held-out P {held.get('precision', 0):.2f} F1 {held.get('f1', 0):.2f}"
        return EntityCandidate(start, end, text[start:end], label, round(float(held.get("precision", 0.5)), 3), reason("model.ner", why))


class CombinedAnnotator:
    """The union of the rules' and the model's entities; claims from the rules."""

    name = "rules+model"

    def __init__(self, rules, model: TrainedAnnotator):
        self.rules, self.model = rules, model
        self.version = f"{rules.version}+ner-{model.version}"

    def annotate(self, doc: DocumentInput) -> tuple[list[EntityCandidate], list[ClaimCandidate]]:
        entities, claims = self.rules.annotate(doc)
        seen = {(e.start, e.end, e.label) for e in entities}
        extra = [e for e in self.model.annotate(doc)[0] if (e.start, e.end, e.label) not in seen]
        return sorted(entities + extra, key=lambda e: (e.start, e.end, e.label)), claims


def latest_model(home: str | Path) -> Path | None:
    """The active model's directory: the last one `claimtrail train` trusted for a label."""
    active = models_dir(Path(home)) / "active.json"
    if not active.exists():
        return None
    path = active.parent / json.loads(active.read_text(encoding="utf-8"))["dir"]
    return path if (path / "claimtrail.json").exists() else None


def model_annotator(name: str, home: str | Path, rules=None):
    """ "trained" or "rules+model" from the active model; `rules` defaults to the plain rules."""
    path = latest_model(home)
    if path is None:
        raise NoModel(f"no trained model in {models_dir(Path(home))}; run `claimtrail train` first")
    model = TrainedAnnotator(path)
    if name == "trained":
        return model
    from .rules import RulesAnnotator

    return CombinedAnnotator(rules or RulesAnnotator(), model)
