"""Compare candidates with a gold standard, both as JSONL records per document.

Gold: {"doc", "entities": [{"start","end","label"[,"text"]}],
       "claims": [{"start","end","claimant","event_date"[,"text"]}]}
Candidates: the same shape (what jsonl.candidates_to_json writes), with scores.

- Entities: precision / recall / F1 per label, exact span and label, after mapping our
  labels onto the gold's where the gold uses a coarser set (see `label_mapping`).
- Claims: a gold claim is found when a candidate overlaps at least half of it and at
  least half of that candidate lies in the gold claim. Claimant and event-date
  accuracy are measured on found claims (claimants compared case-insensitively, and
  two names of one gazetteer entity, "ISW" and "Institute for the Study of War", agree).
- Claims below the threshold are hidden from a reviewer, so they count as not proposed.
- Reviewer effort: the actions that turn the candidates into the gold, as a share of
  annotating from scratch. Candidates scoring >= `pretick` arrive ticked, so a
  correct ticked candidate costs nothing, a wrong one a reject; a correct unticked
  one costs an accept; a wrong span, label, claimant or date costs an edit each; a
  missing item costs an add (plus one edit per claimant/date to fill in). From
  scratch, every gold entity is one add and every gold claim one add plus its fields.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

PRETICK = 0.5

# Our finer labels and the gold label that covers each, used when the gold has the
# coarse label but not ours: places and polities are one LOC, units are organisations.
SYNONYMS = {"GPE": "LOC", "FAC": "LOC", "MILITARY_UNIT": "ORG"}


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    entities: dict[str, PRF] = field(default_factory=dict)  # per label, plus "ALL"
    claims: PRF = field(default_factory=PRF)  # tp = found gold claims
    claimant_correct: int = 0
    date_correct: int = 0
    actions: Counter = field(default_factory=Counter)
    scratch_actions: float = 0.0
    label_map: dict[str, str | None] = field(default_factory=dict)  # ours -> gold's (None: not scored)
    misses: list[dict] = field(default_factory=list)  # each gold claim not found, or found with a wrong field

    @property
    def claim_recall(self) -> float:
        return self.claims.recall

    @property
    def claimant_accuracy(self) -> float:
        return self.claimant_correct / self.claims.tp if self.claims.tp else 0.0

    @property
    def date_accuracy(self) -> float:
        return self.date_correct / self.claims.tp if self.claims.tp else 0.0

    @property
    def effort(self) -> float:
        return sum(self.actions.values()) / self.scratch_actions if self.scratch_actions else 0.0


def read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def claim_match(gold: dict, cand: dict) -> bool:
    """At least half of each covered by the other, at any of the candidate's spans."""
    for start, end in spans(cand):
        overlap = min(gold["end"], end) - max(gold["start"], start)
        if overlap > 0 and 2 * overlap >= gold["end"] - gold["start"] and 2 * overlap >= end - start:
            return True
    return False


def spans(cand: dict) -> list[tuple[int, int]]:
    """A candidate's span and those of the near-duplicates merged into it."""
    return [(cand["start"], cand["end"]), *(tuple(s) for s in cand.get("also", ()))]


def _same_claimant(a: str | None, b: str | None) -> bool:
    """Equal ignoring case and spacing, or two names of one gazetteer entity ("ISW"), or of
    one person (claimants.same_claimant: transliterations, a surname alone)."""
    from .claimants import same_claimant

    return _claimant_key(a) == _claimant_key(b) or same_claimant(a, b)


def _claimant_key(name: str | None) -> str | None:
    if not name:
        return None
    from .gazetteer import default_gazetteer

    name = " ".join(name.split())
    entry = default_gazetteer().get(name)
    return (entry.canonical if entry else name).casefold()


def _ticked(cand: dict, pretick: float) -> bool:
    return cand.get("score", 1.0) >= pretick


def label_mapping(gold: Iterable[dict], predicted: Iterable[dict]) -> dict[str, str | None]:
    """How each predicted label is scored: itself, the gold's synonym, or None (left out).

    Only when the gold annotates entities at all; a label neither the gold nor a synonym
    covers (NORP, QUANTITY against a PERSON/ORG/LOC/DATE gold) is left out, since the gold
    has no opinion on it. Labels the gold uses are always scored as they are.
    """
    gold_labels = {e["label"] for g in gold for e in g["entities"]}
    if not gold_labels:
        return {}
    ours = {e["label"] for p in predicted for e in p["entities"]}
    mapping: dict[str, str | None] = {}
    for label in sorted(ours - gold_labels):
        target = SYNONYMS.get(label)
        mapping[label] = target if target in gold_labels else None
    return mapping


def _mapped(entities: list[dict], mapping: dict[str, str | None]) -> list[dict]:
    out = []
    for e in entities:
        label = mapping.get(e["label"], e["label"])
        if label is not None:
            out.append({**e, "label": label})
    return out


def evaluate(gold: Iterable[dict], predicted: Iterable[dict], pretick: float = PRETICK, threshold: float = 0.0) -> Report:
    """Scores over all documents in gold; a document missing from predicted has no candidates.
    Claim candidates scoring below `threshold` are hidden, so not counted."""
    gold, predicted = list(gold), list(predicted)
    by_doc = {p["doc"]: p for p in predicted}
    report = Report(label_map=label_mapping(gold, predicted))
    for g in gold:
        p = by_doc.get(g["doc"], {"entities": [], "claims": []})
        _entities(report, g["entities"], _mapped(p["entities"], report.label_map), pretick)
        _claims(report, g["claims"], [c for c in p["claims"] if c.get("score", 1.0) >= threshold], pretick, g["doc"])
    return report


def _entities(report: Report, gold: list[dict], cands: list[dict], pretick: float) -> None:
    key = lambda e: (e["start"], e["end"], e["label"])  # noqa: E731
    gold_keys, cand_keys = {key(e) for e in gold}, {key(c) for c in cands}
    for label in {k[2] for k in gold_keys | cand_keys}:
        for name in (label, "ALL"):
            prf = report.entities.setdefault(name, PRF())
            g = {k for k in gold_keys if k[2] == label}
            c = {k for k in cand_keys if k[2] == label}
            prf.tp, prf.fp, prf.fn = prf.tp + len(g & c), prf.fp + len(c - g), prf.fn + len(g - c)
    _entity_effort(report, gold, cands, pretick)


def _entity_effort(report: Report, gold: list[dict], cands: list[dict], pretick: float) -> None:
    report.scratch_actions += len(gold)
    used: set[int] = set()
    for g in gold:
        exact = [i for i, c in enumerate(cands) if i not in used and (c["start"], c["end"], c["label"]) == (g["start"], g["end"], g["label"])]
        near = exact or [i for i, c in enumerate(cands) if i not in used and c["start"] < g["end"] and g["start"] < c["end"]]
        if not near:
            report.actions["add"] += 1
            continue
        i = near[0]
        used.add(i)
        if not _ticked(cands[i], pretick):
            report.actions["accept"] += 1
        if not exact:
            report.actions["edit"] += 1
    report.actions["reject"] += sum(1 for i, c in enumerate(cands) if i not in used and _ticked(c, pretick))


def _claims(report: Report, gold: list[dict], cands: list[dict], pretick: float, doc: str = "") -> None:
    used: set[int] = set()
    for g in gold:
        fields = (g.get("claimant") is not None) + (g.get("event_date") is not None)
        report.scratch_actions += 1 + fields
        matches = [i for i, c in enumerate(cands) if claim_match(g, c)]
        if not matches:
            report.claims.fn += 1
            report.actions["add"] += 1
            report.actions["edit"] += fields
            report.misses.append(_miss(doc, g, None))
            continue
        report.claims.tp += 1
        best = max(matches, key=lambda i: (i not in used, _overlap(g, cands[i])))
        c = cands[best]
        ok_claimant = _same_claimant(g.get("claimant"), c.get("claimant"))
        ok_date = g.get("event_date") == c.get("event_date")
        report.claimant_correct += ok_claimant
        report.date_correct += ok_date
        if not (ok_claimant and ok_date):
            report.misses.append(_miss(doc, g, c, claimant=not ok_claimant, date=not ok_date))
        if best not in used:
            used.add(best)
            if not _ticked(c, pretick):
                report.actions["accept"] += 1
            report.actions["edit"] += (not ok_claimant) + (not ok_date)
        else:  # the candidate covers two gold claims: the reviewer splits it
            report.actions["add"] += 1
            report.actions["edit"] += fields
    unmatched = [c for i, c in enumerate(cands) if i not in used]
    report.claims.fp += sum(1 for c in unmatched if not any(claim_match(g, c) for g in gold))
    report.actions["reject"] += sum(1 for i, c in enumerate(cands) if i not in used and _ticked(c, pretick))


def _miss(doc: str, gold: dict, cand: dict | None, claimant: bool = False, date: bool = False) -> dict:
    """One line of `claimtrail evaluate --misses`: where, what the gold says and what was proposed."""
    found = {"claimant": cand.get("claimant"), "event_date": cand.get("event_date")} if cand else None
    wrong = ["not found"] if cand is None else [name for name, bad in (("claimant", claimant), ("event_date", date)) if bad]
    expected = {"claimant": gold.get("claimant"), "event_date": gold.get("event_date")}
    return {"doc": doc, "start": gold["start"], "end": gold["end"], "text": gold.get("text", ""), "wrong": wrong, "gold": expected, "proposed": found}


def format_misses(report: Report) -> str:
    """The claims behind the accuracies, one per line, grouped by what is wrong."""
    lines = [f"claims not found or with a wrong field ({len(report.misses)})"]
    for m in sorted(report.misses, key=lambda m: (m["wrong"], m["doc"], m["start"])):
        said = " ".join((m["text"] or "").split())[:90]
        if m["proposed"] is None:
            lines.append(f"  not found   {m['doc']}:{m['start']}-{m['end']}  {said!r}")
            continue
        for name in m["wrong"]:
            lines.append(f"  {name:<11} {m['doc']}:{m['start']}-{m['end']}  gold {m['gold'][name]!r}  proposed {m['proposed'][name]!r}  {said!r}")
    return "\n".join(lines)


def _overlap(gold: dict, cand: dict) -> int:
    return max(max(0, min(gold["end"], e) - max(gold["start"], s)) for s, e in spans(cand))


def format_report(report: Report) -> str:
    mapped = ", ".join(f"{k}->{v or 'left out'}" for k, v in sorted(report.label_map.items()))
    lines = [f"entities (exact span and label{'; ' + mapped if mapped else ''})", f"  {'label':14} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}"]
    for label in sorted(report.entities, key=lambda k: (k == "ALL", k)):
        m = report.entities[label]
        lines.append(f"  {label:14} {m.precision:6.2f} {m.recall:6.2f} {m.f1:6.2f} {m.tp:5d} {m.fp:5d} {m.fn:5d}")
    c = report.claims
    lines += [
        "claims",
        f"  recall {c.recall:.2f} ({c.tp}/{c.tp + c.fn})   precision {c.precision:.2f}",
        f"  claimant accuracy {report.claimant_accuracy:.2f}   event-date accuracy {report.date_accuracy:.2f}  (on found claims)",
        "reviewer effort",
        f"  {report.effort:.0%} of annotating from scratch  "
        + "  ".join(f"{k} {v}" for k, v in sorted(report.actions.items()))
        + f"  (scratch {report.scratch_actions:.0f})",
    ]
    return "\n".join(lines)


def predictions(annotator, documents) -> list[dict]:
    """Candidate records for (file name, DocumentInput) pairs, ready for evaluate()."""
    from .jsonl import candidates_to_json

    out = []
    for name, doc in documents:
        entities, claims = annotator.annotate(doc)
        out.append(candidates_to_json(name, doc.text, entities, claims, annotator))
    return out
